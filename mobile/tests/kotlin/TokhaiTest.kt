// The Kotlin side of the mobile tests: the generated Kotlin bindings, compiled on the JVM with JNA, driving
// the real built library through the same scenario as the Python tests. Started by test_kotlin.py, which
// prepares the inputs (signed codes and QR images made by the real CLI), runs the real tokhai-server and a
// proxy that can hold one answer back, and answers this program's questions on standard input:
//   "OTP? <phone>"    -> the one-time code the server texted
//   "SYNC_STARTED"    -> "ANSWERED" once the server has answered the held upload
//   "RELEASE"         -> "RELEASED" once the held answer is let go
// Any failed check throws: the process exits non-zero and test_kotlin.py fails.

import java.io.File
import java.nio.file.Files
import javax.imageio.ImageIO
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import uniffi.tokhai_mobile.*

class MemoryKeyStore : KeyStore {
    val secrets = java.util.concurrent.ConcurrentHashMap<String, ByteArray>()
    override fun load(name: String): ByteArray? = secrets[name]
    override fun save(name: String, secret: ByteArray) { secrets[name] = secret.copyOf() }
    override fun delete(name: String) { secrets.remove(name) }
}

class LockedKeyStore : KeyStore {
    override fun load(name: String): ByteArray? = throw KeyStoreException.Unavailable("device locked")
    override fun save(name: String, secret: ByteArray) = throw KeyStoreException.Unavailable("device locked")
    override fun delete(name: String) = throw KeyStoreException.Unavailable("device locked")
}

class BrokenKeyStore : KeyStore {
    override fun load(name: String): ByteArray? = throw IllegalStateException("bug in the platform code")
    override fun save(name: String, secret: ByteArray) = throw IllegalStateException("bug in the platform code")
    override fun delete(name: String) = throw IllegalStateException("bug in the platform code")
}

val input = File(System.getenv("TOKHAI_KT_INPUT") ?: error("TOKHAI_KT_INPUT"))
val server = System.getenv("TOKHAI_KT_SERVER") ?: error("TOKHAI_KT_SERVER")
val proxy = System.getenv("TOKHAI_KT_PROXY") ?: error("TOKHAI_KT_PROXY")

fun text(name: String) = File(input, name).readText().trim()

fun ask(line: String): String {
    println(line)
    System.out.flush()
    return readLine() ?: error("no answer to $line")
}

fun form(phone: String, id: String) = DeclarationForm(
    fullName = "nguyễn thị mai", idKind = "", idNumber = id, birthYear = "1985", sex = "nữ", nationality = "",
    address = AddressForm(scheme = "", province = "79", district = "", ward = "26743", street = "12 Lê Lợi"),
    phone = phone, email = "", travel = listOf(),
    symptoms = Symptoms(fever = false, cough = false, shortnessOfBreath = false, pneumonia = false,
        soreThroat = false, fatigue = false, lossOfTasteOrSmell = false, other = null),
    exposure = Exposure(confirmedOrSuspectedCase = false, personFromCountryWithCases = false,
        personWithSymptoms = false),
    chronicConditions = listOf(), pregnant = null,
)

/** An NV21 frame (as CameraX hands it over) of a QR image: the luma plane, then neutral V/U. */
fun nv21(png: File): CameraFrame {
    val image = ImageIO.read(png)
    val w = image.width - image.width % 2
    val h = image.height - image.height % 2
    val data = ByteArray(w * h * 3 / 2) { 128.toByte() }
    for (y in 0 until h) for (x in 0 until w) {
        val rgb = image.getRGB(x, y)
        val gray = (299 * (rgb shr 16 and 0xff) + 587 * (rgb shr 8 and 0xff) + 114 * (rgb and 0xff)) / 1000
        data[y * w + x] = gray.toByte()
    }
    return CameraFrame(data = data, width = w.toUInt(), height = h.toUInt(), stride = w.toUInt(),
        format = PixelFormat.NV21)
}

inline fun <reified E : TokhaiException> expect(code: String, block: () -> Unit): E {
    try {
        block()
    } catch (e: TokhaiException) {
        check(e is E) { "expected ${E::class.simpleName} $code, got $e" }
        val (c, vi, en) = when (e) {
            is TokhaiException.Key -> Triple(e.code, e.messageVi, e.messageEn)
            is TokhaiException.Invalid -> Triple(e.code, e.messageVi, e.messageEn)
            is TokhaiException.Rejected -> Triple(e.code, e.messageVi, e.messageEn)
            is TokhaiException.Network -> Triple(e.code, e.messageVi, e.messageEn)
            is TokhaiException.SignIn -> Triple(e.code, e.messageVi, e.messageEn)
            is TokhaiException.Storage -> Triple(e.code, e.messageVi, e.messageEn)
            is TokhaiException.Internal -> Triple(e.code, e.messageVi, e.messageEn)
        }
        check(c == code) { "expected $code, got $c" }
        check(vi.isNotEmpty() && en.isNotEmpty()) { "messages missing for $code" }
        return e
    }
    error("expected $code, nothing was thrown")
}

fun signIn(t: Tokhai, phone: String) = runBlocking {
    t.requestSignInCode(server, phone)
    t.signIn(server, phone, ask("OTP? $phone"))
}

fun citizen(tmp: File) {
    val keys = MemoryKeyStore()
    val dir = File(tmp, "citizen").path
    val t = Tokhai.open(dir, keys)
    t.addTrustList(text("trust.json"))
    check(t.declare(form("0912000201", "079185000201")).fullName == "NGUYỄN THỊ MAI")
    check(keys.secrets.size == 1) { "the key lands in the platform key store" }
    check(!t.personalCode().signed)
    val first = t.checkInCode(text("code1.txt"))
    check(first.visit.checkpoint.id == 901UL && !first.repeat && first.autoCheckOutAt != null)
    check(t.checkInCode(text("code1.txt")).repeat)
    val second = t.checkInFrame(nv21(File(input, "qr2.png")))
    check(second.visit.checkpoint.id == 902UL)
    check(second.closed?.checkpoint?.id == 901UL && second.closed?.end == "next_check_in")
    check(t.checkOut().end == "checked_out")
    check(t.visits().map { it.checkpoint.id } == listOf(902UL, 901UL))
    check(t.nextWakeup() == null)

    // Bad input: errors with their codes, never a crash.
    expect<TokhaiException.Invalid>("scan_buffer_too_short") {
        t.checkInFrame(CameraFrame(ByteArray(10), 640u, 480u, 640u, PixelFormat.NV21))
    }
    expect<TokhaiException.Invalid>("scan_zero_dimension") {
        t.checkInFrame(CameraFrame(ByteArray(0), 0u, 0u, 0u, PixelFormat.BGRA))
    }
    expect<TokhaiException.Invalid>("qr_not_tokhai") { t.checkInCode("https://example.com") }
    expect<TokhaiException.Rejected>("no_open_visit") { t.checkOut() }
    expect<TokhaiException.Invalid>("bad_id") { t.personalCodeFor("nobody") }
    expect<TokhaiException.Invalid>("bad_day") {
        t.currentEpisode(t.family()[0].id, "tomorrow")
    }
    val err = expect<TokhaiException.Invalid>("invalid_declaration") {
        t.addDependant(Relation.CHILD, form("", "").copy(fullName = ""))
    }
    check(err.fields.any { it.field == "full_name" })

    // A wrong key, a locked key store, a key store with a bug: refused, nothing changed.
    val wrong = MemoryKeyStore()
    wrong.secrets[keys.secrets.keys.single()] = ByteArray(32)
    expect<TokhaiException.Key>("wrong_key") { Tokhai.open(dir, wrong) }
    expect<TokhaiException.Key>("key_store_unavailable") { Tokhai.open(dir, LockedKeyStore()) }
    expect<TokhaiException.Key>("key_store_unavailable") { Tokhai.open(dir, BrokenKeyStore()) }
    check(Tokhai.open(dir, keys).integrityCheck() == "ok")

    // The live scanner on the same frame.
    val scan = Tokhai.open(File(tmp, "scan").path, MemoryKeyStore())
    scan.addTrustList(text("trust.json"))
    scan.declare(form("0912000202", "079185000202"))
    val scanner = scan.startScanner()
    check(scanner.submit(nv21(File(input, "qr2.png"))) == FrameTaken.PENDING)
    val event = scanner.nextEvent(60_000u)
    check(event is ScanEvent.CheckedIn && event.result.visit.checkpoint.id == 902UL) { "scanner: $event" }
    check(scanner.submit(nv21(File(input, "qr1.png"))) == FrameTaken.STOPPED)
    scanner.stop()

    // Sync against the real server.
    signIn(t, "0912000201")
    val pending = t.pendingChanges()
    val report = runBlocking { t.sync(server) }
    // The declaration is taken; the visits are at checkpoints this server never registered (the test's own
    // issuer signed them): refused, with the reason, and not sent again.
    check(report.sent == 1UL && report.refused == pending - 1UL && report.pending == 0UL) { "sync: $report" }
    check(t.syncStatus().refused.all { it.code == "unknown_checkpoint" })
    check(t.personalCode().signed) { "signed after sync" }
}

fun cancelled(tmp: File) {
    val t = Tokhai.open(File(tmp, "cancel").path, MemoryKeyStore())
    t.addTrustList(text("trust.json"))
    // 1,100 declaration versions: three upload batches of <= 500.
    repeat(1100) {
        val f = form("0912000203", "079185000203")
        t.declare(f.copy(address = f.address.copy(street = "${it + 1} Lê Lợi")))
    }
    val before = t.pendingChanges()
    check(before == 1100UL)
    signIn(t, "0912000203")
    runBlocking {
        val job = async(Dispatchers.Default) { t.sync(proxy) }
        withContext(Dispatchers.IO) { check(ask("SYNC_STARTED") == "ANSWERED") }
        job.cancel()
        val outcome = runCatching { job.await() }
        check(outcome.exceptionOrNull() is CancellationException) { "not cancelled: $outcome" }
    }
    val left = t.pendingChanges()
    check(left in 1UL until before) { "pending $left of $before after the cancel" }
    check(t.declarationForm(t.family()[0].id)?.address?.street == "1100 Lê Lợi") { "lost on the device" }
    check(t.integrityCheck() == "ok")
    check(ask("RELEASE") == "RELEASED")
    val report = runBlocking { t.sync(proxy) }
    check(report.sent == left && report.pending == 0UL) { "after the cancel: $report, left $left" }
    val deleted = runBlocking { t.deleteServerAccount(server) }
    check(deleted.declarations == 1100UL) { "the server holds ${deleted.declarations} versions, not 1100" }
}

fun main() {
    val tmp = Files.createTempDirectory("tokhai-kotlin").toFile()
    try {
        citizen(tmp)
        cancelled(tmp)
        println("OK")
    } finally {
        tmp.deleteRecursively()
    }
}
