using System.Security.Cryptography;
using System.Text;
using ePost.Core.Crypto;
using ePost.Core.Devices;
using ePost.Node.Hosting;
using ePost.Node.Identity;
using ePost.Storage.Leases;

namespace ePost.Node.Commands;

/// <summary>
/// A devnet user's further devices (<c>epost devnet --devices D</c>): each a node with its own key and a device
/// certificate signed by the user's key, named in the user's device list (<c>users/NAME.devices</c>), with a device
/// mail password of its own (<c>users/NAME.deviceK.pass</c>). As a development ring the devnet gives every device the
/// user's keys too (what <c>epost device add --give-user-key</c> does), so each serves the whole mailbox.
/// </summary>
public static class DevnetDevices
{
    /// <summary>Most nodes per user (the ring's default per-user device limit is 3, plus the user's own node).</summary>
    public const int MaxDevices = 4;

    /// <summary>Admits the node in <paramref name="nodeDir"/> as device <paramref name="device"/> (1, 2, ...) of <paramref name="user"/>, once.</summary>
    public static void Admit(string dataDir, DevnetUser user, int device, string nodeDir)
    {
        ArgumentNullException.ThrowIfNull(user);
        var identity = NodeIdentity.LoadOrCreate(nodeDir);
        var name = $"device{device + 1}";
        var listPath = ListPath(dataDir, user);
        var list = File.Exists(listPath) ? DeviceList.Decode(File.ReadAllBytes(listPath)) : DeviceList.Empty(user.Keys);
        if (list.Verify(user.Keys.Signing.PublicKey) is { } problem) throw new InvalidDataException($"{listPath}: {problem}");
        var entry = list.FindByKey(identity.PublicKey);
        if (entry is null)
        {
            var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));
            var deviceKey = X25519.Generate(RandomNumberGenerator.Create());
            DurableFile.WriteAtomically(Path.Combine(nodeDir, DeviceCommand.DeviceKeyFile), Encoding.ASCII.GetBytes(Convert.ToHexStringLower(deviceKey.PrivateKey) + "\n"), ownerOnly: true);
            DurableFile.WriteAtomically(PasswordPath(dataDir, user, device), Encoding.ASCII.GetBytes(password + "\n"), ownerOnly: true);
            list = list.WithDevice(user.Keys, name, identity.PublicKey, deviceKey.PublicKey, DeviceEntry.VerifierOf(password));
            DurableFile.WriteAtomically(listPath, list.Encode(), ownerOnly: false);
            entry = list.FindByKey(identity.PublicKey)!;
        }
        var certificate = NodeCertificate.IssueForDevice(user.Keys, identity.PublicKey, entry.Index);
        DurableFile.WriteAtomically(Path.Combine(nodeDir, TransportSettings.NodeCertificateFile), certificate.Encode(), ownerOnly: false);
        DurableFile.WriteAtomically(Path.Combine(nodeDir, DeviceCommand.DeviceListFile), list.Encode(), ownerOnly: false);
    }

    /// <summary>The device mail password of device <paramref name="device"/> of <paramref name="user"/>, or null for the user's own node.</summary>
    public static string? PasswordOf(string dataDir, DevnetUser user, int device) =>
        device > 0 && File.Exists(PasswordPath(dataDir, user, device)) ? File.ReadAllText(PasswordPath(dataDir, user, device)).Trim() : null;

    /// <summary>Publishes the user's device list through the user's own node.</summary>
    public static async Task PublishAsync(string dataDir, DevnetUser user, NodeHost home, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(home);
        var listPath = ListPath(dataDir, user);
        if (!File.Exists(listPath) || home.Mail?.Services.Devices is not { } devices) return;
        await devices.PublishAsync(user.Keys, DeviceList.Decode(File.ReadAllBytes(listPath)), LeaseDuration.FromDays(365), cancel);
    }

    private static string ListPath(string dataDir, DevnetUser user) => Path.Combine(dataDir, "users", LocalPart(user) + ".devices");

    private static string PasswordPath(string dataDir, DevnetUser user, int device) => Path.Combine(dataDir, "users", $"{LocalPart(user)}.device{device + 1}.pass");

    private static string LocalPart(DevnetUser user) => user.Address[..user.Address.IndexOf('@')];
}
