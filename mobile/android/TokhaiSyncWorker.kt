// Sample (not compiled here: no Android SDK on this machine). The work a phone does with the app closed,
// on WorkManager: sync when the network is there, wake the engine (automatic check-out, due health
// reports), post a notification for new exposure alerts and for a due health report, and schedule the next run at tokhai's `nextWakeup()`. Everything it decides comes
// from the engine (tokhai-mobile); this file only wires Android to it.
package vn.tokhai.app

import android.app.NotificationChannel
import android.app.NotificationManager
import android.content.Context
import androidx.core.app.NotificationCompat
import androidx.core.app.NotificationManagerCompat
import androidx.work.BackoffPolicy
import androidx.work.Constraints
import androidx.work.CoroutineWorker
import androidx.work.ExistingWorkPolicy
import androidx.work.NetworkType
import androidx.work.OneTimeWorkRequestBuilder
import androidx.work.WorkManager
import androidx.work.WorkerParameters
import java.time.Duration
import java.time.Instant
import java.util.concurrent.TimeUnit
import uniffi.tokhai_mobile.Tokhai
import uniffi.tokhai_mobile.TokhaiException
import uniffi.tokhai_mobile.WakeupReason

class TokhaiSyncWorker(context: Context, params: WorkerParameters) : CoroutineWorker(context, params) {
    // WorkManager cancels this coroutine when the constraints stop holding or the OS stops the worker:
    // uniffi cancels the Rust future, and the sync stops at its next network wait with nothing lost.
    override suspend fun doWork(): Result {
        val tokhai = Tokhai.open(applicationContext.filesDir.resolve("tokhai").path, KeystoreKeyStore(applicationContext))
        return try {
            val report = tokhai.sync(BuildConfig.TOKHAI_SERVER)
            if (report.newAlerts > 0UL) {
                tokhai.alerts().lastOrNull()?.let { notify(ALERT_ID, it.messageVi, it.messageEn) }
            }
            Result.success()
        } catch (e: TokhaiException.Network) {
            Result.retry() // offline, timeout, server busy: WorkManager's backoff; nothing was lost
        } catch (e: TokhaiException.SignIn) {
            Result.success() // nothing to do until the person signs in again in the app
        } catch (e: TokhaiException.Key) {
            Result.retry() // the key store is not available yet (direct boot, before the first unlock)
        } finally {
            // The automatic check-out and the reminders due since the last run, each told once.
            val woken = tokhai.wake()
            if (woken.remindersDue.isNotEmpty()) {
                notify(REMINDER_ID, "Đến giờ báo cáo sức khỏe hằng ngày.", "Time for your daily health report.")
            }
            woken.next?.let { next ->
                schedule(applicationContext, next.at, needsNetwork = next.reason == WakeupReason.SYNC)
            }
        }
    }

    private fun notify(id: Int, vi: String, en: String) {
        val manager = applicationContext.getSystemService(NotificationManager::class.java)
        manager.createNotificationChannel(NotificationChannel(CHANNEL, "tokhai", NotificationManager.IMPORTANCE_HIGH))
        val text = if (applicationContext.resources.configuration.locales[0].language == "vi") vi else en
        val n = NotificationCompat.Builder(applicationContext, CHANNEL)
            .setSmallIcon(R.drawable.ic_notification)
            .setContentTitle("tokhai")
            .setContentText(text)
            .setStyle(NotificationCompat.BigTextStyle().bigText(text))
            .build()
        if (NotificationManagerCompat.from(applicationContext).areNotificationsEnabled()) manager.notify(id, n)
    }

    companion object {
        private const val CHANNEL = "tokhai"
        private const val ALERT_ID = 1
        private const val REMINDER_ID = 2

        /** Runs the worker at `at` (at once when past); a sync waits for a network, a reminder or an
         *  automatic check-out does not (the sync inside then fails as `Network` and is retried later). */
        fun schedule(context: Context, at: Instant, needsNetwork: Boolean = true) {
            val delay = Duration.between(Instant.now(), at).coerceAtLeast(Duration.ZERO)
            val network = if (needsNetwork) NetworkType.CONNECTED else NetworkType.NOT_REQUIRED
            val request = OneTimeWorkRequestBuilder<TokhaiSyncWorker>()
                .setInitialDelay(delay.toMillis(), TimeUnit.MILLISECONDS)
                .setConstraints(Constraints.Builder().setRequiredNetworkType(network).build())
                .setBackoffCriteria(BackoffPolicy.EXPONENTIAL, 30, TimeUnit.SECONDS)
                .build()
            WorkManager.getInstance(context).enqueueUniqueWork("tokhai-sync", ExistingWorkPolicy.REPLACE, request)
        }
    }
}
