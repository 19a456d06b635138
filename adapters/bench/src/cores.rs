//! Which cores the server and the clients run on.
//!
//! The server answers each connection on a thread of its own. Left to the scheduler, such a
//! thread may land on the client's core or on another one, and a loopback exchange between two
//! threads on one core costs a client about half the CPU time of one across cores (measured on
//! a 2-core machine: 23 µs against 40 µs a message, with the very same syscalls). Two clients
//! on two connections could then differ two-fold for where their server threads happened to
//! run, not for what they do. So the server gets cores of its own and the clients the rest,
//! as when the server is another machine, and every client meets the same placement.
//!
//! The parent picks the split and hands each child its cores in [`CPUS_VAR`]; a child pins
//! itself before it starts any thread, so that every thread it starts inherits the set.

use nix::sched::{CpuSet, sched_getaffinity, sched_setaffinity};
use nix::unistd::Pid;

/// The cores a child process is to run on, as a comma-separated list of core numbers.
pub const CPUS_VAR: &str = "SLACKHOOK_BENCH_CPUS";

/// The server's cores and the clients' cores.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    pub server: Vec<usize>,
    pub clients: Vec<usize>,
}

impl Split {
    /// Splits the cores this process may run on: the upper half, rounded down, for the server
    /// and the rest for the clients. `None` with a single core, where there is nothing to
    /// split.
    pub fn of_this_process() -> Result<Option<Split>, String> {
        let set = sched_getaffinity(Pid::from_raw(0))
            .map_err(|e| format!("cannot read this process's cores: {e}"))?;
        let cores: Vec<usize> = (0..CpuSet::count())
            .filter(|&core| set.is_set(core).unwrap_or(false))
            .collect();
        Ok(Self::of(&cores))
    }

    fn of(cores: &[usize]) -> Option<Split> {
        if cores.len() < 2 {
            return None;
        }
        let (clients, server) = cores.split_at(cores.len() - cores.len() / 2);
        Some(Split {
            server: server.to_vec(),
            clients: clients.to_vec(),
        })
    }
}

/// `cores` as [`CPUS_VAR`] spells them: `0,1,2`.
pub fn to_list(cores: &[usize]) -> String {
    let names: Vec<String> = cores.iter().map(usize::to_string).collect();
    names.join(",")
}

/// Pins this process to the cores [`CPUS_VAR`] names, if it names any. Call it before starting
/// a thread: only the calling thread is pinned, and the threads it starts after.
pub fn pin_from_env() -> Result<(), String> {
    let Ok(list) = std::env::var(CPUS_VAR) else {
        return Ok(());
    };
    let mut set = CpuSet::new();
    for name in list.split(',') {
        let core: usize = name
            .trim()
            .parse()
            .map_err(|_| format!("{CPUS_VAR}: {name:?} is not a core number"))?;
        set.set(core)
            .map_err(|_| format!("{CPUS_VAR}: there is no core {core}"))?;
    }
    sched_setaffinity(Pid::from_raw(0), &set)
        .map_err(|e| format!("cannot run on cores {list}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_cores_give_one_to_the_server_and_one_to_the_clients() {
        let split = Split::of(&[0, 1]).expect("two cores split");
        assert_eq!(split.server, [1]);
        assert_eq!(split.clients, [0]);
    }

    #[test]
    fn an_odd_count_leaves_the_clients_the_larger_half() {
        let split = Split::of(&[2, 4, 6]).expect("three cores split");
        assert_eq!(split.server, [6]);
        assert_eq!(split.clients, [2, 4]);
    }

    #[test]
    fn one_core_is_not_split() {
        assert_eq!(Split::of(&[3]), None);
    }

    #[test]
    fn a_list_is_spelled_with_commas() {
        assert_eq!(to_list(&[0, 2, 5]), "0,2,5");
    }
}
