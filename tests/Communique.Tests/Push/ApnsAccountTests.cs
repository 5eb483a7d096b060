using System.Security.Cryptography;
using Communique.Push.Mobile;

namespace Communique.Tests.Push;

// A team's APNs auth key and app are checked when they are given, and a bad one is refused with the field at fault
// named, never with the key quoted.
public sealed class ApnsAccountTests
{
    private static readonly string P256Pem = MakeP256Pem();

    private static string MakeP256Pem()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return ecdsa.ExportPkcs8PrivateKeyPem();
    }

    [Fact]
    public void An_apns_key_from_apple_is_taken_for_its_app_and_environment()
    {
        Assert.True(ApnsAccount.TryParse(" ABCDE12345", "KEY1234567", P256Pem, "com.acme.app", "sandbox",
            out var account, out var error), error);

        Assert.Equal(("ABCDE12345", "KEY1234567", "com.acme.app", ApnsEnvironment.Sandbox),
            (account.TeamId, account.KeyId, account.BundleId, account.Environment));
        Assert.DoesNotContain("PRIVATE", account.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ABCDE1234", "KEY1234567", "p256", "com.acme.app", "production", "teamId")]
    [InlineData("ABCDE12345", "key1234567", "p256", "com.acme.app", "production", "keyId")]
    [InlineData("ABCDE12345", "KEY1234567", "rsa", "com.acme.app", "production", "privateKey must be an elliptic")]
    [InlineData("ABCDE12345", "KEY1234567", "not a key", "com.acme.app", "production", "privateKey must be the .p8")]
    [InlineData("ABCDE12345", "KEY1234567", "p384", "com.acme.app", "production", "privateKey must be a P-256")]
    [InlineData("ABCDE12345", "KEY1234567", "p256", "acme app", "production", "bundleId")]
    [InlineData("ABCDE12345", "KEY1234567", "p256", "com.acme.app\r\nx: y", "production", "bundleId")]
    [InlineData("ABCDE12345", "KEY1234567", "p256", "com.acme.app", "development", "environment")]
    public void An_apns_key_with_a_bad_field_is_refused_naming_it(
        string teamId, string keyId, string key, string bundleId, string environment, string error)
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var rsa = RSA.Create(2048);
        var pem = key switch
        {
            "p256" => P256Pem,
            "p384" => p384.ExportPkcs8PrivateKeyPem(),
            "rsa" => rsa.ExportPkcs8PrivateKeyPem(),
            _ => key,
        };

        Assert.False(ApnsAccount.TryParse(teamId, keyId, pem, bundleId, environment, out var account, out var said));

        Assert.Null(account);
        Assert.StartsWith(error, said, StringComparison.Ordinal);
    }
}
