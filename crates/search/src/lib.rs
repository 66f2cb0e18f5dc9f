//! Chinese full-text search (全文检索) for pocnet: jieba with the domain
//! dictionary shipped in `data/search` as a tantivy tokenizer ([`tokenizer`]),
//! cutting finely when indexing (every word and its parts, so 高镍三元前驱体 is
//! found by 前驱体 and by 高镍三元) and coarsely when querying.

mod cache;
mod filter_cache;
pub mod index;
pub mod snippet;
pub mod tokenizer;

pub use index::{Doc, Hit, Hits, Query, SearchError, SearchIndex, COUNT_BOUND};
pub use tokenizer::{Cut, Segmenter};
