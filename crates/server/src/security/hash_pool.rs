//! A few dedicated threads for argon2id, the one memory-hungry computation of the server.
//!
//! Each hash or verification fills argon2's whole memory cost (19 MiB by default, up to
//! 1 GiB for an imported hash). Run on the blocking pool, a burst of sign-ins or resets would
//! allocate that once per busy blocking thread (up to 512), and the allocator keeps a freed
//! buffer in each thread's arena, so memory would grow with every thread that ever hashed.
//! On a fixed set of threads — one per core, as more cannot hash faster — memory stays at
//! threads × cost, each thread reuses its own buffer, and a burst waits in a queue instead.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};

type Work = Box<dyn FnOnce() + Send>;

/// Runs closures on a fixed number of threads. Cheap to clone; the threads stop when the
/// last clone is dropped.
#[derive(Clone)]
pub struct HashPool {
    work: Sender<Work>,
}

impl HashPool {
    /// A pool of `threads` threads (at least one).
    pub fn new(threads: usize) -> std::io::Result<HashPool> {
        let (work, queue) = channel::<Work>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads.max(1) {
            let queue = Arc::clone(&queue);
            std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || serve(&queue))?;
        }
        Ok(HashPool { work })
    }

    /// One thread per available core.
    pub fn per_core() -> std::io::Result<HashPool> {
        HashPool::new(std::thread::available_parallelism().map_or(1, usize::from))
    }

    /// Runs `work` on a pool thread and waits for its result (call it from a blocking
    /// context). `None` only if the pool's threads are gone.
    pub fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
        let (done, result) = channel();
        let job: Work = Box::new(move || {
            let _ = done.send(work());
        });
        self.work.send(job).ok()?;
        result.recv().ok()
    }
}

fn serve(queue: &Mutex<Receiver<Work>>) {
    loop {
        let next = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        match next {
            Ok(work) => work(),
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::sync::Barrier;

    use super::*;

    #[test]
    fn work_runs_on_the_pool_threads_and_returns_its_result() {
        // Arrange
        let pool = HashPool::new(2).unwrap();

        // Act
        let name = pool.run(|| std::thread::current().name().map(str::to_owned));

        // Assert
        assert!(name.flatten().unwrap().starts_with("argon2-"));
        assert_eq!(pool.run(|| 6 * 7), Some(42));
    }

    #[test]
    fn no_more_than_the_pool_size_runs_at_once() {
        // Arrange: 8 callers, 2 threads; each job records its thread while holding a barrier
        // of 2, so a third concurrent job would deadlock the test instead of passing.
        let pool = HashPool::new(2).unwrap();
        let barrier = Arc::new(Barrier::new(2));
        let threads = Arc::new(Mutex::new(HashSet::new()));

        // Act
        std::thread::scope(|scope| {
            for _ in 0..8 {
                let (pool, barrier, threads) =
                    (pool.clone(), Arc::clone(&barrier), Arc::clone(&threads));
                scope.spawn(move || {
                    pool.run(move || {
                        barrier.wait();
                        let name = std::thread::current().name().map(str::to_owned);
                        threads.lock().unwrap().insert(name);
                    })
                });
            }
        });

        // Assert
        assert_eq!(threads.lock().unwrap().len(), 2);
    }
}
