//! The `k` nearest events by great-circle distance: a best-first walk of the
//! R-tree.
//!
//! Nodes and places wait in one priority queue, nodes keyed by a lower bound
//! on the distance to anything inside them ([`sphere::min_distance_m`]),
//! places by their exact distance. A place that comes out of the queue is
//! nearer than everything still in it, so the first place of each event to
//! come out gives that event's distance, and the walk stops after `k` events.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashSet};

use rstar::{ParentNode, RTree, RTreeNode};

use super::{Entry, Filter};
use crate::geom::{sphere, LonLat};

/// A node to open or a place to report, ordered by distance, then nodes
/// before places (so that a node whose bound equals a place's distance is
/// opened first), then by position (so that ties go to the earlier event).
struct Item<'a> {
    distance_m: f64,
    pos: u32,
    node: Option<&'a ParentNode<Entry>>,
}

impl Item<'_> {
    fn key(&self) -> (f64, bool, u32) {
        (self.distance_m, self.node.is_none(), self.pos)
    }
}

impl PartialEq for Item<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Item<'_> {}

impl PartialOrd for Item<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Item<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (self.key(), other.key());
        a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2))
    }
}

/// Up to `k` positions accepted by `filter`, nearest first, with distances.
pub(super) fn nearest(
    tree: &RTree<Entry>,
    filter: &Filter,
    center: LonLat,
    k: usize,
) -> Vec<(u32, f64)> {
    let mut found = Vec::new();
    if k == 0 {
        return found;
    }
    let mut reported = HashSet::new();
    let mut queue = BinaryHeap::new();
    queue.push(Reverse(Item {
        distance_m: 0.0,
        pos: 0,
        node: Some(tree.root()),
    }));
    while let Some(Reverse(item)) = queue.pop() {
        let Some(node) = item.node else {
            if reported.insert(item.pos) {
                found.push((item.pos, item.distance_m));
                if found.len() == k {
                    break;
                }
            }
            continue;
        };
        for child in node.children() {
            match child {
                RTreeNode::Leaf(entry) => {
                    if filter.accepts(entry.data) && !reported.contains(&entry.data) {
                        let [lon, lat] = *entry.geom();
                        queue.push(Reverse(Item {
                            distance_m: center.distance_m(LonLat { lon, lat }),
                            pos: entry.data,
                            node: None,
                        }));
                    }
                }
                RTreeNode::Parent(parent) => queue.push(Reverse(Item {
                    distance_m: sphere::min_distance_m(center, &parent.envelope().into()),
                    pos: 0,
                    node: Some(parent),
                })),
            }
        }
    }
    found
}
