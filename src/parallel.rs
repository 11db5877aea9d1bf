//! Work on many threads, results in order: each worker takes the next item
//! as soon as it is free (so one slow item never holds the others up), and
//! the calling thread reports each result as soon as every earlier one has
//! been reported. Within each block of items the biggest start first, so
//! the run does not end with one thread still on a big item. Items of size
//! 0 (on a clean tree, nearly every file) cost less than handing them over
//! would: the calling thread does them itself, in turn.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{mpsc, Condvar, Mutex, PoisonError};

use anyhow::{anyhow, Result};

/// How far workers may run ahead of the item being reported, counted in
/// items handed to workers: bounds the results held while one slow item is
/// still being worked on.
const WINDOW: usize = 1024;

/// Items handed to workers start biggest first within blocks of this many.
/// It must stay below WINDOW: an item is then never started before every
/// item a full window earlier, so a worker waiting at the window's edge
/// always has an earlier item in progress to wait for, never a deadlock.
const BLOCK: usize = 256;

/// Run `work` on every item and `report` each result in item order on this
/// thread; items of size 0 are worked on here too, the rest on `threads`
/// threads. Stops at the first error `report` gives.
pub fn ordered<I: Sync, T: Send>(
    items: &[I],
    threads: usize,
    size: impl Fn(&I) -> u64,
    work: impl Fn(&I) -> T + Sync,
    mut report: impl FnMut(&I, T) -> Result<()>,
) -> Result<()> {
    // Workers take the items in `order`; `handed` counts those reported.
    let mut order: Vec<usize> = (0..items.len()).filter(|&i| size(&items[i]) > 0).collect();
    for block in order.chunks_mut(BLOCK) {
        block.sort_by_key(|&i| std::cmp::Reverse(size(&items[i])));
    }
    let order = &order;
    let next = AtomicUsize::new(0);
    let handed = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let gate = (Mutex::new(()), Condvar::new());
    let (tx, rx) = mpsc::channel();
    std::thread::scope(|scope| {
        // No more threads than items for them: starting one costs more
        // than a small file takes (on a clean tree, often none is needed).
        for _ in 0..threads.max(1).min(order.len()) {
            let tx = tx.clone();
            let (next, handed, stop, gate, work) = (&next, &handed, &stop, &gate, &work);
            scope.spawn(move || loop {
                let position = next.fetch_add(1, SeqCst);
                let Some(&i) = order.get(position) else {
                    break;
                };
                let mut lock = gate.0.lock().unwrap_or_else(PoisonError::into_inner);
                while position >= handed.load(SeqCst) + WINDOW && !stop.load(SeqCst) {
                    lock = gate.1.wait(lock).unwrap_or_else(PoisonError::into_inner);
                }
                drop(lock);
                if stop.load(SeqCst) || tx.send((i, work(&items[i]))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut pending = BTreeMap::new();
        let mut result = Ok(());
        for (k, item) in items.iter().enumerate() {
            let t = if size(item) == 0 {
                work(item)
            } else {
                let t = loop {
                    if let Some(t) = pending.remove(&k) {
                        break Some(t);
                    }
                    let Ok((i, t)) = rx.recv() else {
                        break None;
                    };
                    pending.insert(i, t);
                };
                let Some(t) = t else {
                    result = Err(anyhow!("a worker thread stopped early"));
                    break;
                };
                {
                    let _lock = gate.0.lock().unwrap_or_else(PoisonError::into_inner);
                    handed.fetch_add(1, SeqCst);
                }
                gate.1.notify_all();
                t
            };
            result = report(item, t);
            if result.is_err() {
                break;
            }
        }
        {
            let _lock = gate.0.lock().unwrap_or_else(PoisonError::into_inner);
            stop.store(true, SeqCst);
        }
        gate.1.notify_all();
        drop(rx);
        result
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_order_whatever_the_timing() {
        let items: Vec<u64> = (0..3000).collect();
        let mut seen = Vec::new();
        ordered(
            &items,
            4,
            |&i| i % 7,
            |&i| {
                // Early items are slow, so later ones finish first.
                if i % 500 == 0 {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                i * 2
            },
            |&i, t| {
                assert_eq!(t, i * 2);
                seen.push(i);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(seen, items);
    }

    #[test]
    fn the_biggest_items_of_each_block_start_first() {
        let items: Vec<u64> = (0..600).collect();
        let started = Mutex::new(Vec::new());
        let size = |&i: &u64| if i % 100 == 7 { 1000 + i } else { 1 };
        let work = |&i: &u64| started.lock().unwrap().push(i);
        ordered(&items, 1, size, work, |_, ()| Ok(())).unwrap();
        let started = started.into_inner().unwrap();
        assert_eq!(started[..3], [207, 107, 7]);
        assert_eq!(started[256..259], [507, 407, 307]);
        assert_eq!(started[512], 512);
        assert_eq!(started.len(), 600);
    }

    #[test]
    fn a_report_error_stops_the_run() {
        let items: Vec<u32> = (0..5000).collect();
        let mut count = 0;
        let result = ordered(
            &items,
            2,
            |&i| u64::from(i % 3),
            |&i| i,
            |&i, _| {
                count += 1;
                if i == 10 {
                    anyhow::bail!("stop at 10");
                }
                Ok(())
            },
        );
        assert_eq!(result.unwrap_err().to_string(), "stop at 10");
        assert_eq!(count, 11);
    }

    #[test]
    fn items_of_size_zero_are_done_on_the_calling_thread() {
        let items: Vec<u64> = (0..100).collect();
        let here = std::thread::current().id();
        let mut done = Vec::new();
        ordered(
            &items,
            2,
            |&i| i % 2,
            |_| std::thread::current().id(),
            |&i, thread| {
                done.push(i);
                assert_eq!(thread == here, i % 2 == 0, "item {i}");
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(done, items);
    }
}
