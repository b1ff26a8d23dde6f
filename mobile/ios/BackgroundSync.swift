// Sample (not compiled here: no Swift toolchain on this machine). The work an iPhone does with the app
// closed, on BGTaskScheduler: a refresh task syncs, wakes the engine (automatic check-out, due health
// reports), notifies new exposure alerts and due reports,
// and asks to run again at tokhai's `nextWakeup()`. The identifier goes in Info.plist under
// `BGTaskSchedulerPermittedIdentifiers`, with `UIBackgroundModes` = `fetch`. Every decision is the engine's.
import BackgroundTasks
import Foundation
import UserNotifications

enum BackgroundSync {
    static let identifier = "vn.tokhai.sync"

    /// Call once from `application(_:didFinishLaunchingWithOptions:)`.
    static func register(dataDir: URL, server: String) {
        BGTaskScheduler.shared.register(forTaskWithIdentifier: identifier, using: nil) { task in
            run(task as! BGAppRefreshTask, dataDir: dataDir, server: server)
        }
    }

    static func run(_ task: BGAppRefreshTask, dataDir: URL, server: String) {
        let work = Task {
            do {
                let tokhai = try Tokhai.open(dataDir: dataDir.path, keyStore: KeychainKeyStore())
                defer { schedule(tokhai) }
                do {
                    let report = try await tokhai.sync(serverUrl: server)
                    if report.newAlerts > 0, let alert = try tokhai.alerts().last {
                        notify(id: "alert", vi: alert.messageVi, en: alert.messageEn)
                    }
                    task.setTaskCompleted(success: true)
                } catch TokhaiError.Network {
                    task.setTaskCompleted(success: false) // offline or busy: nothing lost, next time
                }
                // The automatic check-out and the reminders due since the last run, each told once.
                if try !tokhai.wake().remindersDue.isEmpty {
                    notify(id: "reminder", vi: "Đến giờ báo cáo sức khỏe hằng ngày.", en: "Time for your daily health report.")
                }
            } catch {
                // Before the first unlock the Keychain item cannot be read (`key_store_unavailable`).
                task.setTaskCompleted(success: false)
            }
        }
        // iOS ends the task's time: cancelling the Swift task cancels the Rust future (uniffi), and the
        // sync stops at its next network wait; what the server confirmed stays confirmed.
        task.expirationHandler = { work.cancel() }
    }

    static func schedule(_ tokhai: Tokhai) {
        let request = BGAppRefreshTaskRequest(identifier: identifier)
        request.earliestBeginDate = (try? tokhai.nextWakeup())?.at ?? Date(timeIntervalSinceNow: 15 * 60)
        try? BGTaskScheduler.shared.submit(request)
    }

    static func notify(id: String, vi: String, en: String) {
        let content = UNMutableNotificationContent()
        content.title = "tokhai"
        content.body = Locale.current.language.languageCode?.identifier == "vi" ? vi : en
        UNUserNotificationCenter.current().add(UNNotificationRequest(identifier: id, content: content, trigger: nil))
    }
}
