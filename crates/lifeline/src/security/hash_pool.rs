//! A few dedicated threads for argon2id, the one memory-hungry computation of the server.
//!
//! Each hash or verification fills argon2's whole memory cost (19 MiB by default, up to
//! 1 GiB for an imported hash). Run on the blocking pool, a burst of sign-ins or resets would
//! allocate that once per busy blocking thread (up to 512), and the allocator keeps a freed
//! buffer in each thread's arena, so memory would grow with every thread that ever hashed.
//! On a fixed set of threads — one per core, as more cannot hash faster — memory stays at
//! threads × cost, each thread reuses its own buffer, and a burst waits in a queue instead.
//! A thread that has had no work for a second after a job runs the pool's idle hook (freeing
//! its buffer, see `argon2_memory`): the memory is held while hashes keep coming, where
//! reusing it saves faulting in 19 MiB per hash, and given back when they stop. Each thread
//! waits on the queue on its own (a multi-consumer channel): with one receiver behind a
//! mutex, an idle thread blocked in `recv` holding the lock kept the thread that had worked
//! from ever timing out, and its 19 MiB stayed resident for good.

use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, unbounded};

type Work = Box<dyn FnOnce() + Send>;

/// What a pool thread does once it has had no work for a while after a job.
#[derive(Clone, Copy)]
pub struct Idle {
    /// How long a thread waits for more work before it runs the hook.
    pub after: Duration,
    /// The hook (e.g. freeing the thread's working memory).
    pub hook: fn(),
}

/// Runs closures on a fixed number of threads. Cheap to clone; the threads stop when the
/// last clone is dropped.
#[derive(Clone)]
pub struct HashPool {
    work: Sender<Work>,
}

impl HashPool {
    /// A pool of `threads` threads (at least one), each running `idle.hook` when it has had no
    /// work for `idle.after` since its last job.
    pub fn new(threads: usize, idle: Idle) -> std::io::Result<HashPool> {
        let (work, queue) = unbounded::<Work>();
        for n in 0..threads.max(1) {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || serve(&queue, idle))?;
        }
        Ok(HashPool { work })
    }

    /// One thread per available core.
    pub fn per_core(idle: Idle) -> std::io::Result<HashPool> {
        HashPool::new(
            std::thread::available_parallelism().map_or(1, usize::from),
            idle,
        )
    }

    /// Runs `work` on a pool thread and waits for its result (call it from a blocking
    /// context). `None` only if the pool's threads are gone.
    pub fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
        let (done, result) = crossbeam_channel::bounded(1);
        let job: Work = Box::new(move || {
            let _ = done.send(work());
        });
        self.work.send(job).ok()?;
        result.recv().ok()
    }
}

fn serve(queue: &Receiver<Work>, idle: Idle) {
    // Whether this thread has worked since it last ran the idle hook.
    let mut worked = false;
    loop {
        let next = match worked {
            true => match queue.recv_timeout(idle.after) {
                Err(RecvTimeoutError::Timeout) => {
                    (idle.hook)();
                    worked = false;
                    continue;
                }
                next => next.map_err(|_| ()),
            },
            false => queue.recv().map_err(|_| ()),
        };
        match next {
            Ok(work) => {
                work();
                worked = true;
            }
            Err(()) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Barrier, Mutex};

    use super::*;

    const NOTHING: Idle = Idle {
        after: Duration::from_secs(1),
        hook: || {},
    };

    /// A pool of `threads` threads whose idle hook, run after 20 ms without work, is `hook`.
    fn counting_pool(threads: usize, hook: fn()) -> HashPool {
        let idle = Idle {
            after: Duration::from_millis(20),
            hook,
        };
        HashPool::new(threads, idle).unwrap()
    }

    /// `counter` once it is above `seen` (or after ten seconds).
    fn wait_past(counter: &AtomicUsize, seen: usize) -> usize {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while counter.load(Ordering::SeqCst) == seen && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        counter.load(Ordering::SeqCst)
    }

    #[test]
    fn work_runs_on_the_pool_threads_and_returns_its_result() {
        // Arrange
        let pool = HashPool::new(2, NOTHING).unwrap();

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
        let pool = HashPool::new(2, NOTHING).unwrap();
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

    #[test]
    fn the_thread_that_worked_runs_the_idle_hook_while_the_others_wait_for_work() {
        // Arrange: two threads; the one that takes the job must not be kept from its idle
        // hook by the other waiting for work.
        static IDLE: AtomicUsize = AtomicUsize::new(0);
        let pool = counting_pool(2, || {
            IDLE.fetch_add(1, Ordering::SeqCst);
        });

        // Act: a job as long as a hash, time enough for the other thread to start waiting.
        pool.run(|| std::thread::sleep(Duration::from_millis(50)))
            .unwrap();
        let idle = wait_past(&IDLE, 0);

        // Assert
        assert_eq!(idle, 1);
    }

    #[test]
    fn a_thread_runs_the_idle_hook_once_the_queue_is_empty() {
        // Arrange
        static IDLE: AtomicUsize = AtomicUsize::new(0);
        let pool = counting_pool(1, || {
            IDLE.fetch_add(1, Ordering::SeqCst);
        });

        // Act: one job, then another after the first was done.
        pool.run(|| ()).unwrap();
        let after_first = wait_past(&IDLE, 0);
        pool.run(|| ()).unwrap();
        let after_second = wait_past(&IDLE, after_first);

        // Assert: the hook ran once after each job, not again while waiting.
        assert_eq!((after_first, after_second), (1, 2));
    }
}
