//! County-level regions (县市区) of the demo city. A county department sees
//! and first-reviews only what lies in its own region.

string_enum! {
    /// A county-level region, or the city itself (市本级).
    pub enum Region {
        /// City level (市本级).
        City => ("市本级", "市本级"),
        /// 鹿城区
        Lucheng => ("鹿城区", "鹿城区"),
        /// 龙湾区
        Longwan => ("龙湾区", "龙湾区"),
        /// 瓯海区
        Ouhai => ("瓯海区", "瓯海区"),
        /// 洞头区
        Dongtou => ("洞头区", "洞头区"),
        /// 永嘉县
        Yongjia => ("永嘉县", "永嘉县"),
        /// 平阳县
        Pingyang => ("平阳县", "平阳县"),
        /// 苍南县
        Cangnan => ("苍南县", "苍南县"),
        /// 文成县
        Wencheng => ("文成县", "文成县"),
        /// 泰顺县
        Taishun => ("泰顺县", "泰顺县"),
        /// 瑞安市
        Ruian => ("瑞安市", "瑞安市"),
        /// 乐清市
        Yueqing => ("乐清市", "乐清市"),
        /// 龙港市
        Longgang => ("龙港市", "龙港市"),
        /// Outside the city (市外): experts and units of other cities.
        Outside => ("市外", "市外"),
    }
}
