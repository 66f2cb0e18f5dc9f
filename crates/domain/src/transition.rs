//! A step a state machine allowed (状态变更): the state it leaves, the state
//! it reaches, the action and who takes it. Only the machines of this crate
//! make one (`ApplicationState::step`, `ResultState::step`,
//! `MilestoneStatus::step`, and the panel seat's `SeatStatus::declare`), and
//! storage writes a state change only from one — so no caller can write a
//! state the machine would not reach.

/// One allowed step of a machine over states `S`, actions `A`, actors `K`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition<S, A, K> {
    from: S,
    to: S,
    action: A,
    actor: K,
}

impl<S: Copy, A: Copy, K: Copy> Transition<S, A, K> {
    /// Made by a machine's `step` once its `apply` allowed the step.
    pub(crate) fn new(from: S, to: S, action: A, actor: K) -> Self {
        Self { from, to, action, actor }
    }

    /// The state left (the compare-and-set's expectation).
    pub fn from(&self) -> S {
        self.from
    }

    /// The state reached.
    pub fn to(&self) -> S {
        self.to
    }

    /// The action taken.
    pub fn action(&self) -> A {
        self.action
    }

    /// Who took it.
    pub fn actor(&self) -> K {
        self.actor
    }
}
