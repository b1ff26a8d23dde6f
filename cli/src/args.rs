//! The command line, as clap sees it. Help texts are Vietnamese first, English second.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// tokhai — khai báo y tế, mã QR cá nhân, check-in bằng mã QR (hoạt động không cần mạng).
/// Health declaration, personal QR code and QR check-in (works offline).
#[derive(Debug, Parser)]
#[command(
    name = "tokhai",
    version,
    about = "tokhai — khai báo y tế, mã QR cá nhân, check-in bằng mã QR, kể cả khi không có mạng.\nHealth declaration, personal QR code and QR check-in, even with no network.",
    max_term_width = 110
)]
pub(crate) struct Cli {
    /// Thư mục dữ liệu / data folder (default: the per-user data folder).
    #[arg(long, global = true, env = "TOKHAI_DATA_DIR", value_name = "DIR")]
    pub(crate) data_dir: Option<PathBuf>,

    /// Ngôn ngữ hiển thị / display language. `both` prints "tiếng Việt / English"; exposure alerts are
    /// always in one language (Vietnamese unless `en`), as the health office's advice is one text.
    #[arg(long, global = true, env = "TOKHAI_LANG", value_enum, default_value_t = LangChoice::Both)]
    pub(crate) lang: LangChoice,

    /// Nơi giữ khóa dữ liệu / where the data key comes from: a passphrase (`TOKHAI_PASSPHRASE` or asked),
    /// or the operating system's key store.
    #[arg(long, global = true, env = "TOKHAI_KEY_STORE", value_enum, default_value_t = KeyStore::Passphrase)]
    pub(crate) key_store: KeyStore,

    /// In kết quả dạng JSON / print machine-readable JSON.
    #[arg(long, global = true)]
    pub(crate) json: bool,

    /// Máy chủ đồng bộ / the sync server's address.
    #[arg(
        long,
        global = true,
        env = "TOKHAI_SERVER",
        value_name = "URL",
        default_value = "http://127.0.0.1:8780"
    )]
    pub(crate) server: String,

    /// Thời gian chờ mỗi yêu cầu tới máy chủ (giây) / timeout of each request to the server, seconds.
    #[arg(
        long,
        global = true,
        env = "TOKHAI_TIMEOUT",
        value_name = "SECONDS",
        default_value_t = 20
    )]
    pub(crate) timeout: u64,

    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Where the key that unlocks the data comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum KeyStore {
    /// Mật khẩu / a passphrase stretched with PBKDF2.
    Passphrase,
    /// Kho khóa của hệ điều hành / the OS key store (Secret Service, Keychain, Credential Manager).
    Os,
}

/// Which language(s) to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LangChoice {
    /// Tiếng Việt rồi tiếng Anh / Vietnamese, then English.
    Both,
    /// Tiếng Việt.
    Vi,
    /// English.
    En,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Khai báo y tế (hỏi từng mục, hoặc từ tham số / tệp JSON) / make a health declaration.
    Declare(Box<DeclareArgs>),
    /// Xem tờ khai / show declarations.
    Declaration {
        #[command(subcommand)]
        command: DeclarationCommand,
    },
    /// Những người trên máy này (bạn và người phụ thuộc) / people on this device.
    People,
    /// Check-in tại một điểm kiểm soát / check in at a checkpoint.
    Checkin(CheckinArgs),
    /// Check-out (một chạm) / check out of the open visit.
    Checkout,
    /// Lịch sử ra vào, mới nhất trước / visit history, newest first.
    Visits,
    /// Sửa giờ vào/ra của một lượt / correct a visit's times.
    Visit {
        #[command(subcommand)]
        command: VisitCommand,
    },
    /// Nhật ký sức khỏe hằng ngày khi cách ly / daily health log in quarantine.
    Health {
        #[command(subcommand)]
        command: HealthCommand,
    },
    /// Đọc mã QR trong ảnh (JPEG/PNG); với --json: một dòng JSON mỗi tệp / read the QR codes in images;
    /// with --json one JSON line per file.
    Scan {
        /// Các tệp ảnh / image files.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Thời gian tối đa cho mỗi ảnh, mili giây (mặc định 150) / the most time to spend on one image, in
        /// milliseconds (default 150); the amount of work tried is the same on any machine, this only stops
        /// a slow or busy machine from trying all of it.
        #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(1..=600_000))]
        time_limit_ms: Option<u64>,
    },
    /// Quét mã QR cá nhân của khách bằng webcam (cho nhân viên điểm kiểm soát) / scan visitors' personal
    /// codes with a webcam (for checkpoint staff).
    Kiosk(KioskArgs),
    /// Mã QR: mã cá nhân, mã điểm kiểm soát, áp phích / QR codes: personal code, checkpoint codes, posters.
    Qr {
        #[command(subcommand)]
        command: QrCommand,
    },
    /// Khóa tin cậy để kiểm tra mã QR / trusted issuer keys for checking QR codes.
    Trust {
        #[command(subcommand)]
        command: TrustCommand,
    },
    /// Đăng nhập bằng số điện thoại và mã OTP / sign in with your phone number and a one-time code.
    Login(LoginArgs),
    /// Đăng xuất (xóa phiên trên máy này) / sign out (forget the session on this device).
    Logout,
    /// Gửi những gì đã ghi và tải cập nhật / send what was recorded and download updates.
    Sync,
    /// Tình trạng đồng bộ: còn chờ gửi, lỗi gần nhất, lần thử tới / sync status: pending, last error, next
    /// attempt.
    Status,
    /// Cảnh báo phơi nhiễm trên máy này / exposure alerts on this device.
    Alerts,
    /// Cấp độ an toàn của các phường/xã (tải khi đồng bộ) / the safety level of each ward (fetched by sync).
    Areas,
    /// Xóa dữ liệu quá thời hạn lưu giữ (21 ngày) / purge data past the retention period.
    Purge,
    /// Xuất toàn bộ dữ liệu của bạn (JSON) / export all your data as JSON.
    Export(ExportArgs),
    /// Xóa vĩnh viễn mọi dữ liệu trên máy này / delete all data on this device.
    Wipe(WipeArgs),
    /// Tài khoản trên máy chủ / your account on the server.
    Account {
        #[command(subcommand)]
        command: AccountCommand,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum AccountCommand {
    /// Yêu cầu máy chủ xóa dữ liệu của bạn (tờ khai, lượt check-in, báo cáo sức khỏe) / ask the server to
    /// delete your data there (declarations, visits, health reports); `tokhai wipe` deletes this device's.
    Delete(WipeArgs),
}

#[derive(Debug, Subcommand)]
pub(crate) enum DeclarationCommand {
    /// Tờ khai mới nhất và hạn của nó / the newest declaration and whether it is still fresh.
    Show(PersonArg),
    /// Mọi phiên bản tờ khai / every version of the declaration.
    History(PersonArg),
}

#[derive(Debug, Subcommand)]
pub(crate) enum VisitCommand {
    /// Sửa giờ vào/ra / correct check-in and check-out times.
    Edit(VisitEditArgs),
}

#[derive(Debug, Args)]
pub(crate) struct PersonArg {
    /// Người (số thứ tự trong `tokhai people`, hoặc mã) / person (number in `tokhai people`, or id); default: you.
    #[arg(long = "for", value_name = "PERSON")]
    pub(crate) person: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct DeclareArgs {
    #[command(flatten)]
    pub(crate) person: PersonArg,
    /// Khai hộ một người phụ thuộc mới / declare for a new dependant.
    #[arg(long, value_enum, conflicts_with = "person")]
    pub(crate) dependant: Option<DependantKind>,
    /// Đọc tờ khai từ tệp JSON ("-" = đầu vào chuẩn) / read the form from a JSON file ("-" = stdin);
    /// format and example: docs/declaration-file.md. Unknown keys are refused.
    #[arg(long, value_name = "FILE")]
    pub(crate) file: Option<PathBuf>,
    /// Không hỏi; mục thiếu là lỗi / never prompt: missing answers are errors.
    #[arg(long, conflicts_with = "interactive")]
    pub(crate) no_input: bool,
    /// Luôn hỏi từng mục, kể cả khi đầu vào không phải là terminal / ask question by question even when
    /// standard input is not a terminal (answers from a script).
    #[arg(long, short = 'i')]
    pub(crate) interactive: bool,
    #[command(flatten)]
    pub(crate) fields: FormFlags,
}

/// A dependant's relation to the account holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DependantKind {
    /// Con / child.
    Child,
    /// Cha mẹ, ông bà / parent or grandparent.
    Parent,
    /// Vợ, chồng / spouse.
    Spouse,
    /// Khác / other.
    Other,
}

/// Form answers as flags; each one overrides the same answer from `--file` or the previous declaration.
#[derive(Debug, Default, Args)]
pub(crate) struct FormFlags {
    /// Họ và tên / full name.
    #[arg(long)]
    pub(crate) name: Option<String>,
    /// Loại giấy tờ / document kind: cmnd, cccd, passport, none.
    #[arg(long)]
    pub(crate) id_kind: Option<String>,
    /// Số CMND/CCCD/hộ chiếu / document number.
    #[arg(long)]
    pub(crate) id_number: Option<String>,
    /// Năm sinh / year of birth.
    #[arg(long)]
    pub(crate) birth_year: Option<String>,
    /// Giới tính / sex: nam|male, nữ|female, khác|other.
    #[arg(long)]
    pub(crate) sex: Option<String>,
    /// Quốc tịch / nationality (VN, …).
    #[arg(long)]
    pub(crate) nationality: Option<String>,
    /// Danh mục đơn vị hành chính / unit list: 2025 (default) or 2021.
    #[arg(long)]
    pub(crate) scheme: Option<String>,
    /// Mã tỉnh/thành phố / province code.
    #[arg(long)]
    pub(crate) province: Option<String>,
    /// Mã quận/huyện (danh mục 2021) / district code (2021 list).
    #[arg(long)]
    pub(crate) district: Option<String>,
    /// Mã phường/xã / ward code.
    #[arg(long)]
    pub(crate) ward: Option<String>,
    /// Số nhà, đường / street address.
    #[arg(long)]
    pub(crate) street: Option<String>,
    /// Số điện thoại / phone number.
    #[arg(long)]
    pub(crate) phone: Option<String>,
    /// Email.
    #[arg(long)]
    pub(crate) email: Option<String>,
    /// Nơi đã đến trong 14 ngày (lặp lại được) / a place travelled to in the last 14 days (repeatable).
    #[arg(long)]
    pub(crate) travel: Vec<String>,
    /// Triệu chứng (lặp lại được) / symptom (repeatable): fever, cough, shortness-of-breath, pneumonia,
    /// sore-throat, fatigue, loss-of-taste-or-smell.
    #[arg(long = "symptom", value_enum)]
    pub(crate) symptoms: Vec<SymptomFlag>,
    /// Triệu chứng khác / other symptoms, in your words.
    #[arg(long)]
    pub(crate) other_symptom: Option<String>,
    /// Tiếp xúc với ca bệnh hoặc nghi ngờ / contact with a confirmed or suspected case.
    #[arg(long)]
    pub(crate) contact_case: bool,
    /// Tiếp xúc người từ nước có bệnh / contact with someone from a country with cases.
    #[arg(long)]
    pub(crate) contact_foreign: bool,
    /// Tiếp xúc người có triệu chứng / contact with someone with symptoms.
    #[arg(long)]
    pub(crate) contact_symptoms: bool,
    /// Bệnh nền (lặp lại được) / chronic condition (repeatable).
    #[arg(long = "chronic")]
    pub(crate) chronic: Vec<String>,
    /// Đang mang thai / pregnant: yes|có, no|không.
    #[arg(long)]
    pub(crate) pregnant: Option<String>,
}

/// Symptoms as flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SymptomFlag {
    /// Sốt.
    Fever,
    /// Ho.
    Cough,
    /// Khó thở.
    ShortnessOfBreath,
    /// Viêm phổi.
    Pneumonia,
    /// Đau họng.
    SoreThroat,
    /// Mệt mỏi.
    Fatigue,
    /// Mất vị giác, khứu giác.
    LossOfTasteOrSmell,
}

#[derive(Debug, Args)]
pub(crate) struct CheckinArgs {
    /// Where: one of the code's text, a photo, a fallback code.
    #[command(flatten)]
    pub(crate) code: CheckinCode,
    /// Người phụ thuộc đi cùng (số trong `tokhai people` hoặc mã; lặp lại được) / a dependant travelling
    /// with you (number in `tokhai people`, or id; repeat for several).
    #[arg(long = "with", value_name = "PERSON")]
    pub(crate) with: Vec<String>,
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub(crate) struct CheckinCode {
    /// Nội dung mã QR của điểm kiểm soát / the checkpoint QR code's text.
    #[arg(long, value_name = "TEXT")]
    pub(crate) payload: Option<String>,
    /// Ảnh chụp áp phích mã QR (JPEG/PNG) / a photo of the checkpoint's QR poster (JPEG/PNG).
    #[arg(long, value_name = "FILE")]
    pub(crate) image: Option<PathBuf>,
    /// Mã dự phòng in dưới mã QR / the fallback code printed under the QR.
    #[arg(long, value_name = "CODE")]
    pub(crate) fallback: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct LoginArgs {
    /// Số điện thoại / phone number.
    pub(crate) phone: String,
    /// Mã OTP đã nhận (bỏ qua để được gửi mã và hỏi) / the one-time code received (leave out to be sent one
    /// and asked for it).
    #[arg(long, value_name = "CODE")]
    pub(crate) code: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct VisitEditArgs {
    /// Lượt cần sửa: số thứ tự trong `tokhai visits` hoặc mã / the visit: its number in `tokhai visits`, or id.
    pub(crate) visit: String,
    /// Giờ vào mới / new check-in time ("HH:MM", "YYYY-MM-DD HH:MM", RFC 3339).
    #[arg(long = "in", value_name = "TIME")]
    pub(crate) checked_in: Option<String>,
    /// Giờ ra mới / new check-out time.
    #[arg(long = "out", value_name = "TIME")]
    pub(crate) checked_out: Option<String>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum HealthCommand {
    /// Bắt đầu một đợt cách ly / start a quarantine episode.
    Start(HealthStartArgs),
    /// Gửi báo cáo sức khỏe trong ngày / report today's (or a late day's) health.
    Report(HealthReportArgs),
    /// Tình trạng báo cáo từng ngày và lần nhắc tiếp theo / status of each day and the next reminder.
    Status(PersonArg),
    /// Gia hạn đợt cách ly / extend the episode.
    Extend(HealthDayArgs),
    /// Kết thúc đợt cách ly / end the episode.
    End(HealthDayArgs),
}

/// Kinds of quarantine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum QuarantineFlag {
    /// Cách ly tập trung / quarantine facility.
    Facility,
    /// Cách ly tại nhà / at home.
    Home,
    /// Khu vực phong tỏa / locked-down area.
    Area,
}

#[derive(Debug, Args)]
pub(crate) struct HealthStartArgs {
    #[command(flatten)]
    pub(crate) person: PersonArg,
    /// Hình thức cách ly / kind of quarantine.
    #[arg(long, value_enum)]
    pub(crate) kind: QuarantineFlag,
    /// Ngày bắt đầu (YYYY-MM-DD; mặc định hôm nay) / first day (default today).
    #[arg(long)]
    pub(crate) from: Option<String>,
    /// Ngày kết thúc dự kiến / expected last day (YYYY-MM-DD).
    #[arg(long, conflicts_with = "days")]
    pub(crate) until: Option<String>,
    /// Số ngày cách ly / number of days (default 14).
    #[arg(long)]
    pub(crate) days: Option<u32>,
    /// Cơ sở cách ly hoặc khu vực / facility or area.
    #[arg(long)]
    pub(crate) place: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct HealthReportArgs {
    #[command(flatten)]
    pub(crate) person: PersonArg,
    /// Ngày báo cáo (mặc định hôm nay) / the day reported on (default today).
    #[arg(long)]
    pub(crate) day: Option<String>,
    /// Nhiệt độ (°C) / body temperature, e.g. 36.8.
    #[arg(long = "temp", value_name = "°C")]
    pub(crate) temperature: Option<String>,
    /// Triệu chứng hôm nay (lặp lại được) / symptom today (repeatable).
    #[arg(long = "symptom", value_enum)]
    pub(crate) symptoms: Vec<SymptomFlag>,
    /// Triệu chứng khác / other symptoms.
    #[arg(long)]
    pub(crate) other_symptom: Option<String>,
    /// Ghi chú / note.
    #[arg(long)]
    pub(crate) note: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct HealthDayArgs {
    #[command(flatten)]
    pub(crate) person: PersonArg,
    /// Ngày (YYYY-MM-DD) / the day: new last day (extend) or the day it ended (end, default today).
    #[arg(long)]
    pub(crate) day: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// Ghi ra tệp thay vì màn hình / write to a file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub(crate) out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct WipeArgs {
    /// Xác nhận, không hỏi lại / confirm without asking.
    #[arg(long)]
    pub(crate) yes: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum QrCommand {
    /// Mã QR cá nhân (chờ xác nhận cho đến khi đồng bộ) / your personal QR code (pending until synced).
    Personal(PersonalQrArgs),
    /// Tạo và ký mã QR cho một điểm kiểm soát (công cụ cho người cấp mã) / sign a checkpoint code (issuer tool).
    Checkpoint(CheckpointQrArgs),
    /// Áp phích A4 in được từ một mã điểm kiểm soát / print-ready A4 poster of a checkpoint code.
    Poster(PosterArgs),
    /// Tạo khóa ký mới cho môi trường thử nghiệm / make a new signing key (development and tests).
    Keygen(KeygenArgs),
}

#[derive(Debug, Args)]
pub(crate) struct PersonalQrArgs {
    #[command(flatten)]
    pub(crate) person: PersonArg,
    /// Ghi ảnh PNG / write a PNG image.
    #[arg(long, value_name = "FILE")]
    pub(crate) png: Option<PathBuf>,
    /// Ghi ảnh SVG / write an SVG image.
    #[arg(long, value_name = "FILE")]
    pub(crate) svg: Option<PathBuf>,
    /// Ghi thẻ in được (PDF, cỡ thẻ ngân hàng) / write a printable card (PDF, ID-1 size).
    #[arg(long, value_name = "FILE")]
    pub(crate) card_pdf: Option<PathBuf>,
    /// Ghi thẻ in được (PNG, 300 dpi) / write the printable card as PNG (300 dpi).
    #[arg(long, value_name = "FILE")]
    pub(crate) card_png: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct CheckpointQrArgs {
    /// Khóa ký Ed25519 (PKCS#8) / Ed25519 signing key (PKCS#8 file, from `tokhai qr keygen`).
    #[arg(long, value_name = "FILE")]
    pub(crate) signing_key: PathBuf,
    /// Số hiệu khóa / the key's id.
    #[arg(long)]
    pub(crate) key_id: u32,
    /// Mã điểm kiểm soát / checkpoint id.
    #[arg(long)]
    pub(crate) id: u64,
    /// Điểm kiểm soát cha (tòa nhà, tầng) / enclosing checkpoint (building, floor).
    #[arg(long)]
    pub(crate) parent: Option<u64>,
    /// Tên điểm kiểm soát / name.
    #[arg(long)]
    pub(crate) name: String,
    /// Loại / kind: office, school, clinic, market, supermarket, restaurant, lodging, transport, factory,
    /// worship, event, other.
    #[arg(long, default_value = "other")]
    pub(crate) kind: String,
    /// Mã phường/xã (danh mục 2025) / ward code (2025 list).
    #[arg(long)]
    pub(crate) ward: u32,
    /// Địa chỉ ngắn / short street address.
    #[arg(long, default_value = "")]
    pub(crate) street: String,
    /// Thời gian ở lại thường lệ (phút) / usual stay in minutes.
    #[arg(long)]
    pub(crate) stay: Option<u16>,
    /// Hết hạn vào cuối ngày này, giờ Việt Nam; không được là ngày đã qua / valid until the end of this
    /// day (YYYY-MM-DD, Vietnam time); a day already past is refused.
    #[arg(long)]
    pub(crate) valid_until: Option<String>,
    /// Ghi ảnh PNG / write a PNG image.
    #[arg(long, value_name = "FILE")]
    pub(crate) png: Option<PathBuf>,
    /// Ghi ảnh SVG / write an SVG image.
    #[arg(long, value_name = "FILE")]
    pub(crate) svg: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct PosterArgs {
    /// Nội dung mã QR điểm kiểm soát / the checkpoint code's text.
    #[arg(long, value_name = "TEXT")]
    pub(crate) payload: String,
    /// Ghi áp phích PDF / write the poster as PDF.
    #[arg(long, value_name = "FILE")]
    pub(crate) pdf: Option<PathBuf>,
    /// Ghi áp phích PNG / write the poster as PNG.
    #[arg(long, value_name = "FILE")]
    pub(crate) png: Option<PathBuf>,
    /// Độ phân giải PNG / PNG resolution in dpi.
    #[arg(long, default_value_t = 150)]
    pub(crate) dpi: u32,
    /// Tên tòa nhà chứa điểm này (cho tầng, khoa, phòng) / the building's name, for a sub-checkpoint's
    /// poster (the code holds only the building's id).
    #[arg(long, value_name = "NAME")]
    pub(crate) building: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct KeygenArgs {
    /// Số hiệu khóa / the key's id.
    #[arg(long)]
    pub(crate) key_id: u32,
    /// Tệp khóa bí mật (PKCS#8) / private key file (PKCS#8).
    #[arg(long, value_name = "FILE")]
    pub(crate) out: PathBuf,
    /// Tệp danh sách tin cậy chứa khóa công khai / trust list file with the public key.
    #[arg(long, value_name = "FILE")]
    pub(crate) trust_out: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum TrustCommand {
    /// Thêm khóa và danh sách thu hồi từ tệp / add keys and revocations from a trust list file.
    Add {
        /// Tệp danh sách tin cậy (JSON) / trust list file (JSON).
        file: PathBuf,
    },
    /// Xem các khóa đang tin cậy / show the trusted keys.
    Show,
}

#[derive(Debug, Args)]
pub(crate) struct KioskArgs {
    /// Số thứ tự camera / camera index (default: the first camera).
    #[arg(long)]
    pub(crate) camera: Option<u32>,
    /// Kiểm tra mã trong các ảnh thay vì camera / check the codes in these photos instead of the camera.
    #[arg(long, value_name = "FILE")]
    pub(crate) image: Vec<PathBuf>,
    /// Liệt kê camera rồi thoát / list the cameras and exit.
    #[arg(long)]
    pub(crate) list: bool,
    /// Mã số điểm kiểm soát nơi đặt máy: mỗi mã hợp lệ được ghi lại và gửi khi đồng bộ / the id of the
    /// checkpoint this device serves: each verified code is recorded and uploaded with `tokhai sync`.
    #[arg(long, value_name = "ID")]
    pub(crate) checkpoint: Option<u64>,
}
