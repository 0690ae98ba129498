//! The wage campaign (JC共闘, one `Campaign` per spring): every union's demands and answers, the
//! tally exactly as JCM publishes it, and quick bulletins. This first part is the tally's rules
//! (`tally`), pure and tested against hand-computed figures; storage, pages, imports and
//! bulletins plug in through the module descriptor next.

pub mod answers;
pub mod history;
pub mod tally;
