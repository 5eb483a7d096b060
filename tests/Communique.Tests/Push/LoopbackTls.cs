using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Communique.Tests.Push;

// TLS for the push providers' loopback servers: a self-signed certificate for 127.0.0.1 made in the test, and an
// HttpClient that trusts those certificates and nothing else, as the push HttpClient trusts an operator's extra roots.
public static class LoopbackTls
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    public static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        // A name of its own: a chain is built by issuer name, and two trusted roots of one name (two loopbacks
        // trusted together) would be taken for each other.
        var name = $"CN=127.0.0.1, OU=loopback {Convert.ToHexString(RandomNumberGenerator.GetBytes(4))}";
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(
            new X509EnhancedKeyUsageExtension([new Oid(ServerAuthentication)], false));
        var now = TimeProvider.System.GetUtcNow();
        using var made = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        // Through PKCS#12 so that the private key is one TLS can use on every platform.
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), null);
    }

    // An HTTP/2-capable client whose only trusted roots are the given certificates.
    public static HttpClient TrustingClient(TimeSpan timeout, params X509Certificate2[] roots)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    certificate is not null
                    && (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None
                    && ChainsTo(certificate, roots),
            },
        };
        return new HttpClient(handler) { Timeout = timeout };
    }

    private static bool ChainsTo(X509Certificate certificate, X509Certificate2[] roots)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(presented);
    }

    public static string Pem(X509Certificate2 certificate) => certificate.ExportCertificatePem();
}
