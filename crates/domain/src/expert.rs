//! Experts of the library (专家库). Issue 4 adds conflicts and panels.

string_enum! {
    /// The three kinds of expert the seeds name (学术/产业/投资).
    pub enum ExpertKind {
        /// 学术专家
        Academic => ("academic", "学术专家"),
        /// 产业专家
        Industry => ("industry", "产业专家"),
        /// 投资专家
        Investment => ("investment", "投资专家"),
    }
}
