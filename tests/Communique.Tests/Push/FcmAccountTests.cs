using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Communique.Push.Mobile;

namespace Communique.Tests.Push;

// A team's FCM service account is checked when it is given, and a bad one is refused with the field at fault named,
// never with the key quoted.
public sealed class FcmAccountTests
{
    private static readonly string RsaPem = MakeRsaPem();
    private static readonly string P256Pem = MakeP256Pem();

    private static string MakeRsaPem()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    }

    private static string MakeP256Pem()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return ecdsa.ExportPkcs8PrivateKeyPem();
    }

    private static JsonObject ServiceAccount() => new()
    {
        ["type"] = "service_account",
        ["project_id"] = "acme-app-1a2b3",
        ["private_key_id"] = "0123456789abcdef",
        ["private_key"] = RsaPem,
        ["client_email"] = "firebase-adminsdk@acme-app-1a2b3.iam.gserviceaccount.com",
        ["token_uri"] = "https://oauth2.googleapis.com/token",
    };

    [Fact]
    public void A_service_account_from_google_is_taken_with_its_project_and_identity()
    {
        Assert.True(FcmAccount.TryParse(ServiceAccount().ToJsonString(), out var account, out var error), error);

        Assert.Equal(("acme-app-1a2b3", "firebase-adminsdk@acme-app-1a2b3.iam.gserviceaccount.com",
                "https://oauth2.googleapis.com/token", "0123456789abcdef"),
            (account.ProjectId, account.ClientEmail, account.TokenUri.AbsoluteUri, account.PrivateKeyId));
        Assert.DoesNotContain("PRIVATE", account.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("type", "\"authorized_user\"", "type must be \"service_account\".")]
    [InlineData("type", null, "type is missing.")]
    [InlineData("project_id", "\"\"", "project_id must be a non-empty string.")]
    [InlineData("project_id", "\"Acme App\"", "project_id must be a Google Cloud project id")]
    [InlineData("client_email", "42", "client_email must be a non-empty string.")]
    [InlineData("client_email", "\"firebase-adminsdk\"", "client_email must be an email address.")]
    [InlineData("token_uri", "\"http://oauth2.googleapis.com/token\"", "token_uri must be an https URL.")]
    [InlineData("token_uri", null, "token_uri is missing.")]
    [InlineData("private_key", "\"MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\"", "private_key must be a PEM \"PRIVATE KEY\"")]
    [InlineData("private_key", "p256", "private_key must be an RSA private key (PKCS#8).")]
    public void A_service_account_with_a_bad_field_is_refused_naming_it(string field, string? value, string error)
    {
        var json = ServiceAccount();
        json.Remove(field);
        if (value is not null)
        {
            json[field] = value == "p256" ? P256Pem : JsonNode.Parse(value);
        }

        Assert.False(FcmAccount.TryParse(json.ToJsonString(), out var account, out var said));

        Assert.Null(account);
        Assert.StartsWith(error, said, StringComparison.Ordinal);
        Assert.DoesNotContain("MII", said, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"type\": ")]
    [InlineData("[]")]
    public void Text_that_is_not_a_json_object_is_not_a_service_account(string json)
    {
        Assert.False(FcmAccount.TryParse(json, out _, out var error));
        Assert.Contains("service account", error, StringComparison.Ordinal);
    }
}
