// Sample (not compiled here: no Android SDK on this machine). The `KeyStore` callback tokhai-mobile asks
// for, on the Android Keystore: each secret tokhai hands over (one random 32-byte data key per name) is
// wrapped with an AES-256-GCM key that never leaves the Keystore — in StrongBox (a secure element) where
// the device has one — and the wrapped bytes are kept in app-private, no-backup storage.
package vn.tokhai.app

import android.content.Context
import android.content.pm.PackageManager
import android.os.Build
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import android.security.keystore.StrongBoxUnavailableException
import android.security.keystore.UserNotAuthenticatedException
import java.io.File
import java.security.KeyStore as JcaKeyStore
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec
import uniffi.tokhai_mobile.KeyStore
import uniffi.tokhai_mobile.KeyStoreException

class KeystoreKeyStore(private val context: Context) : KeyStore {
    private val folder = File(context.noBackupFilesDir, "tokhai-keys").apply { mkdirs() }
    private val alias = "tokhai-wrapping-key"

    private fun wrappingKey(): SecretKey {
        val ks = JcaKeyStore.getInstance("AndroidKeyStore").apply { load(null) }
        (ks.getKey(alias, null) as SecretKey?)?.let { return it }
        val strongBox = Build.VERSION.SDK_INT >= 28 &&
            context.packageManager.hasSystemFeature(PackageManager.FEATURE_STRONGBOX_KEYSTORE)
        fun generate(inStrongBox: Boolean): SecretKey {
            val spec = KeyGenParameterSpec.Builder(alias, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
                .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
                .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
                .setKeySize(256)
                // Background work (sync, reminders) runs with the screen locked: no user authentication.
                .apply { if (Build.VERSION.SDK_INT >= 28) setIsStrongBoxBacked(inStrongBox) }
                .build()
            return KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, "AndroidKeyStore")
                .apply { init(spec) }.generateKey()
        }
        return try {
            generate(strongBox)
        } catch (e: StrongBoxUnavailableException) {
            generate(false) // advertised but busy or absent: the TEE-backed Keystore
        }
    }

    private fun file(name: String) = File(folder, name.filter { it.isLetterOrDigit() || it == '-' } + ".bin")

    override fun load(name: String): ByteArray? = guarded {
        val f = file(name)
        if (!f.exists()) return@guarded null
        val bytes = f.readBytes()
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.DECRYPT_MODE, wrappingKey(), GCMParameterSpec(128, bytes, 0, 12))
        cipher.doFinal(bytes, 12, bytes.size - 12)
    }

    override fun save(name: String, secret: ByteArray) = guarded {
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.ENCRYPT_MODE, wrappingKey())
        val tmp = File(folder, "${file(name).name}.tmp")
        tmp.writeBytes(cipher.iv + cipher.doFinal(secret))
        check(tmp.renameTo(file(name)))
    }

    override fun delete(name: String) = guarded { file(name).delete(); Unit }

    /** Keystore trouble becomes the error tokhai understands; the reason holds no personal data. */
    private inline fun <T> guarded(block: () -> T): T = try {
        block()
    } catch (e: UserNotAuthenticatedException) {
        throw KeyStoreException.Unavailable("keystore locked")
    } catch (e: java.security.GeneralSecurityException) {
        throw KeyStoreException.Failed(e.javaClass.simpleName)
    } catch (e: java.io.IOException) {
        throw KeyStoreException.Failed("io")
    }
}
