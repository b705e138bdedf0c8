using ePost.Node.Commands;

namespace ePost.Node.Tests;

/// <summary><c>epost devnet --devices 2</c>: every user on two nodes, both listed in devnet.json, the second a device certified by the user's key.</summary>
[Collection(HeavyTests.Name)]
public sealed class DevnetDevicesTests
{
    [Fact]
    public async Task Devnet_with_two_devices_serves_the_user_on_both_nodes_and_lists_them_in_devnet_json()
    {
        var dir = Path.Combine(Path.GetTempPath(), "epost-devnet-devices-" + Guid.NewGuid().ToString("N"));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var nodes = await DevnetCommand.StartAsync(1, dir, 0, TextWriter.Null, cancel.Token, devices: 2);
        try
        {
            Assert.Equal(2, nodes.Count);
            var user = DevnetJson.Read(dir).Users.Single();
            Assert.Equal(2, user.Devices.Count);
            Assert.Equal(nodes.Select(n => n.Address), user.Devices.Select(d => d.Node));
            Assert.Null(user.Devices[0].Password);
            var second = user.Devices[1];
            Assert.NotNull(second.Password);
            var certificate = Core.Crypto.NodeCertificate.Decode(File.ReadAllBytes(Path.Combine(dir, "node2", Hosting.TransportSettings.NodeCertificateFile)));
            Assert.Equal(Core.Crypto.NodeCertificateKind.Device, certificate.Kind);
            // The user's password on both nodes; the second device's own password on the user's first node, through the published device list.
            Assert.True(await DeviceRevocationTests.ImapLoginAsync(user.Devices[0].Host, user.Devices[0].ImapPort, user.Address, user.Password));
            Assert.True(await DeviceRevocationTests.ImapLoginAsync(second.Host, second.ImapPort, user.Address, user.Password));
            Assert.True(await DeviceRevocationTests.ImapLoginAsync(user.Devices[0].Host, user.Devices[0].ImapPort, user.Address, second.Password!));
        }
        finally
        {
            foreach (var node in nodes) await node.DisposeAsync();
            Directory.Delete(dir, recursive: true);
        }
    }
}
