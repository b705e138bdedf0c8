using System.Security.Cryptography;
using System.Text.Json.Nodes;
using ePost.Core.Crypto;

namespace ePost.Core.Tests.Crypto;

public class PassphraseKeyFileTests
{
    // Cheap on purpose, so the suite stays fast; the format and code path are the same as with the default cost.
    private static readonly Argon2idCost Cheap = new(MemoryKiB: 64, Iterations: 1, Parallelism: 1);
    private static readonly RandomNumberGenerator Random = RandomNumberGenerator.Create();
    private static readonly CertificateAuthority Ca = CertificateAuthority.Create(Random);
    private static readonly UserKeys Bob = Ca.IssueNewUser("bob@example.org", 1, Random);
    private const string Passphrase = "correct horse battery staple";

    [Fact]
    public void User_keys_round_trip_through_the_file()
    {
        var file = PassphraseKeyFile.Seal(Bob, Passphrase, Cheap, Random);
        var opened = PassphraseKeyFile.OpenUserKeys(file, Passphrase);
        Assert.Equal(Bob.Signing.PrivateKey, opened.Signing.PrivateKey);
        Assert.Equal(Bob.Encryption.PrivateKey, opened.Encryption.PrivateKey);
        Assert.Equal(Bob.Certificate.Encode(), opened.Certificate.Encode());
    }

    [Fact]
    public void CA_key_round_trips_through_the_file()
    {
        var file = PassphraseKeyFile.Seal(Ca, Passphrase, Cheap, Random);
        Assert.Equal(Ca.PublicKey, PassphraseKeyFile.OpenCertificateAuthority(file, Passphrase).PublicKey);
    }

    [Fact]
    public void File_is_versioned_json_that_records_its_kdf_cost_and_holds_no_key_in_clear()
    {
        var file = PassphraseKeyFile.Seal(Bob, Passphrase, Cheap, Random);
        var json = JsonNode.Parse(file)!;
        Assert.Equal("epost-key-file", (string)json["format"]!);
        Assert.Equal(1, (int)json["version"]!);
        Assert.Equal("user-keys", (string)json["contents"]!);
        Assert.Equal("argon2id", (string)json["kdf"]!["algorithm"]!);
        Assert.Equal(64, (int)json["kdf"]!["memoryKiB"]!);
        Assert.Equal(1, (int)json["kdf"]!["iterations"]!);
        Assert.DoesNotContain(Convert.ToBase64String(Bob.Signing.PrivateKey), file);
        Assert.DoesNotContain("bob@example.org", file);
    }

    [Fact]
    public void Wrong_passphrase_is_reported_as_such()
    {
        var file = PassphraseKeyFile.Seal(Bob, Passphrase, Cheap, Random);
        var e = Assert.Throws<KeyFileException>(() => PassphraseKeyFile.OpenUserKeys(file, "correct horse battery stapler"));
        Assert.Equal(KeyFileError.WrongPassphrase, e.Error);
        Assert.Contains("Wrong passphrase", e.Message);
    }

    [Fact]
    public void Passphrase_is_its_exact_utf8_bytes_so_a_differently_composed_accent_is_another_passphrase()
    {
        var file = PassphraseKeyFile.Seal(Bob, "caf\u00e9", Cheap, Random);
        Assert.Equal(Bob.Certificate.Address, PassphraseKeyFile.OpenUserKeys(file, "caf\u00e9").Certificate.Address);
        Assert.Equal(KeyFileError.WrongPassphrase, Assert.Throws<KeyFileException>(() => PassphraseKeyFile.OpenUserKeys(file, "cafe\u0301")).Error);
    }

    [Fact]
    public void Altered_sealed_keys_are_reported_as_tampering()
    {
        var json = JsonNode.Parse(PassphraseKeyFile.Seal(Bob, Passphrase, Cheap, Random))!;
        var sealedBytes = Convert.FromBase64String((string)json["sealed"]!);
        for (var i = 0; i < sealedBytes.Length; i += 7)
        {
            var tampered = (byte[])sealedBytes.Clone();
            tampered[i] ^= 0x01;
            json["sealed"] = Convert.ToBase64String(tampered);
            var e = Assert.Throws<KeyFileException>(() => PassphraseKeyFile.OpenUserKeys(json.ToJsonString(), Passphrase));
            Assert.Equal(KeyFileError.Tampered, e.Error);
        }
    }

    [Theory]
    [InlineData("memoryKiB", 128)]
    [InlineData("iterations", 2)]
    [InlineData("salt", null)]
    public void Altered_kdf_parameters_do_not_give_the_key(string field, int? value)
    {
        var json = JsonNode.Parse(PassphraseKeyFile.Seal(Bob, Passphrase, Cheap, Random))!;
        json["kdf"]![field] = value is { } v ? JsonValue.Create(v) : Convert.ToBase64String(new byte[16]);
        var e = Assert.Throws<KeyFileException>(() => PassphraseKeyFile.OpenUserKeys(json.ToJsonString(), Passphrase));
        Assert.Equal(KeyFileError.WrongPassphrase, e.Error);
    }

    [Fact]
    public void Altered_check_value_is_refused()
    {
        var json = JsonNode.Parse(PassphraseKeyFile.Seal(Bob, Passphrase, Cheap, Random))!;
        json["check"] = Convert.ToBase64String(new byte[16]);
        Assert.Throws<KeyFileException>(() => PassphraseKeyFile.OpenUserKeys(json.ToJsonString(), Passphrase));
    }

    [Fact]
    public void CA_file_is_not_opened_as_user_keys_nor_the_reverse()
    {
        var caFile = PassphraseKeyFile.Seal(Ca, Passphrase, Cheap, Random);
        var userFile = PassphraseKeyFile.Seal(Bob, Passphrase, Cheap, Random);
        Assert.Equal(KeyFileError.WrongContents, Assert.Throws<KeyFileException>(() => PassphraseKeyFile.OpenUserKeys(caFile, Passphrase)).Error);
        Assert.Equal(KeyFileError.WrongContents, Assert.Throws<KeyFileException>(() => PassphraseKeyFile.OpenCertificateAuthority(userFile, Passphrase)).Error);
    }

    [Fact]
    public void Relabelled_contents_field_fails_authentication()
    {
        // Changing "ca-key" to "user-keys" gets past the contents check but not the header's authentication.
        var json = JsonNode.Parse(PassphraseKeyFile.Seal(Ca, Passphrase, Cheap, Random))!;
        json["contents"] = "user-keys";
        Assert.Equal(KeyFileError.Tampered, Assert.Throws<KeyFileException>(() => PassphraseKeyFile.OpenUserKeys(json.ToJsonString(), Passphrase)).Error);
    }

    [Theory]
    [InlineData("memoryKiB", 2 * 1024 * 1024)]
    [InlineData("iterations", 1000)]
    [InlineData("parallelism", 0)]
    [InlineData("memoryKiB", 4)]
    public void File_demanding_an_out_of_bounds_cost_is_refused_before_any_derivation(string field, int value)
    {
        var json = JsonNode.Parse(PassphraseKeyFile.Seal(Bob, Passphrase, Cheap, Random))!;
        json["kdf"]![field] = value;
        var e = Assert.Throws<KeyFileException>(() => PassphraseKeyFile.OpenUserKeys(json.ToJsonString(), Passphrase));
        Assert.Equal(KeyFileError.CostOutOfBounds, e.Error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"format\":\"epost-key-file\",\"version\":1}")]
    [InlineData("{\"format\":\"something-else\",\"version\":1}")]
    public void Garbage_is_refused_as_malformed(string file)
    {
        Assert.Equal(KeyFileError.Malformed, Assert.Throws<KeyFileException>(() => PassphraseKeyFile.OpenUserKeys(file, Passphrase)).Error);
    }

    [Fact]
    public void Unknown_version_unknown_fields_and_oversized_files_are_refused()
    {
        var file = PassphraseKeyFile.Seal(Bob, Passphrase, Cheap, Random);
        var json = JsonNode.Parse(file)!;
        json["version"] = 2;
        Assert.Equal(KeyFileError.UnsupportedVersion, Assert.Throws<KeyFileException>(() => PassphraseKeyFile.OpenUserKeys(json.ToJsonString(), Passphrase)).Error);
        json = JsonNode.Parse(file)!;
        json["extra"] = 1;
        Assert.Equal(KeyFileError.Malformed, Assert.Throws<KeyFileException>(() => PassphraseKeyFile.OpenUserKeys(json.ToJsonString(), Passphrase)).Error);
        var huge = file + new string(' ', PassphraseKeyFile.MaxFileBytes);
        Assert.Equal(KeyFileError.Malformed, Assert.Throws<KeyFileException>(() => PassphraseKeyFile.OpenUserKeys(huge, Passphrase)).Error);
    }

    [Fact]
    public void Empty_passphrase_and_out_of_bounds_cost_are_refused_when_sealing()
    {
        Assert.Throws<ArgumentException>(() => PassphraseKeyFile.Seal(Bob, "", Cheap, Random));
        Assert.Throws<ArgumentException>(() => PassphraseKeyFile.Seal(Bob, Passphrase, new Argon2idCost(64, 0, 1), Random));
    }

    [Fact]
    public void Default_cost_is_64_MiB_and_3_passes()
    {
        Assert.Equal(new Argon2idCost(65536, 3, 1), Argon2idCost.Default);
        Assert.Null(Argon2idCost.Default.Problem());
    }
}
