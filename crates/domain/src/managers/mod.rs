//! Project managers (项目经理人, 004 三(三)(五), 二(二)): accounts a PoC platform assigns to its
//! projects, who carry each one through decision, progress and exit (“贯穿于项目决策、推进和退出全流程，
//! 确保任务分解、进度控制和资源协调”), and whom the platform assesses once a year on technical and
//! commercial value together (“技术价值+商业价值”双重考核).

pub mod assessment;
pub mod assignment;
