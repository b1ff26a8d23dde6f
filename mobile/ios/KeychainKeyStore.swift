// Sample (not compiled here: no Swift toolchain on this machine). The `KeyStore` callback tokhai-mobile
// asks for, on the iOS Keychain: one generic-password item per name, readable after the first unlock
// since boot (so a background task can open the data with the screen locked) and never copied to
// another device or into a backup (`…ThisDeviceOnly`).
import Foundation
import Security

final class KeychainKeyStore: KeyStore {
    private let service = "vn.tokhai.keys"

    private func query(_ name: String) -> [String: Any] {
        [kSecClass as String: kSecClassGenericPassword,
         kSecAttrService as String: service,
         kSecAttrAccount as String: name]
    }

    func load(name: String) throws -> Data? {
        var q = query(name)
        q[kSecReturnData as String] = true
        q[kSecMatchLimit as String] = kSecMatchLimitOne
        var item: CFTypeRef?
        let status = SecItemCopyMatching(q as CFDictionary, &item)
        switch status {
        case errSecSuccess: return item as? Data
        case errSecItemNotFound: return nil
        case errSecInteractionNotAllowed: throw KeyStoreError.Unavailable(reason: "before first unlock")
        default: throw KeyStoreError.Failed(reason: "keychain \(status)")
        }
    }

    func save(name: String, secret: Data) throws {
        SecItemDelete(query(name) as CFDictionary)
        var q = query(name)
        q[kSecValueData as String] = secret
        q[kSecAttrAccessible as String] = kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly
        let status = SecItemAdd(q as CFDictionary, nil)
        if status == errSecInteractionNotAllowed { throw KeyStoreError.Unavailable(reason: "before first unlock") }
        if status != errSecSuccess { throw KeyStoreError.Failed(reason: "keychain \(status)") }
    }

    func delete(name: String) throws {
        let status = SecItemDelete(query(name) as CFDictionary)
        if status != errSecSuccess && status != errSecItemNotFound {
            throw KeyStoreError.Failed(reason: "keychain \(status)")
        }
    }
}
