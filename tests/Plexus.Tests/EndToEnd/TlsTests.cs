using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Plexus.Actions;
using Plexus.Client;
using Plexus.Tls;
using Xunit;

namespace Plexus.Tests.EndToEnd;

/// <summary>
/// A real <c>plexus-silo</c> whose gateway speaks TLS and requires client certificates from the cluster's authority:
/// only a client holding one can call any grain, through the library and through <c>plexus-client</c>.
/// </summary>
[Trait(Category.Name, Category.EndToEnd)]
[Collection(StandaloneProcessCollection.Name)]
public sealed class TlsTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("plexus-tls-").FullName;
    private SiloProcess? _silo;

    private SiloProcess Silo => _silo ?? throw new InvalidOperationException("The silo is not started.");

    public async Task InitializeAsync()
    {
        using var authority = Authority("Plexus test CA");
        using var stranger = Authority("Some other CA");
        Write("ca", authority, key: false);
        Write("silo", Issue(authority, "plexus-silo"), key: true);
        Write("client", Issue(authority, "plexus-client"), key: true);
        Write("stranger", Issue(stranger, "plexus-client"), key: true);
        _silo = await SiloProcess.StartNewAsync(new Dictionary<string, string?>
        {
            ["Plexus__Tls__Certificate"] = PathOf("silo.crt"),
            ["Plexus__Tls__Key"] = PathOf("silo.key"),
            ["Plexus__Tls__Authority"] = PathOf("ca.crt"),
        });
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Dispatch_ClientWithTheAuthoritysCertificate_Succeeds()
    {
        await using var connection = await ConnectAsync(new TlsSettings { Certificate = PathOf("client.crt"), Key = PathOf("client.key"), Authority = PathOf("ca.crt") });

        var queued = await connection.Actions.DispatchAsync(new ActionRequest("echo over tls", "tests"));

        Assert.Equal("over tls\n", (await connection.Actions.WaitForFinalAsync(queued.Id))?.Result?.Stdout);
    }

    [Theory]
    [InlineData("no TLS")]
    [InlineData("TLS without a client certificate")]
    [InlineData("a certificate of another authority")]
    public async Task Connect_ClientWithoutTheRightCertificate_CannotCallAnyGrain(string client)
    {
        var settings = client switch
        {
            "no TLS" => new TlsSettings(),
            "TLS without a client certificate" => new TlsSettings { Authority = PathOf("ca.crt") },
            _ => new TlsSettings { Certificate = PathOf("stranger.crt"), Key = PathOf("stranger.key"), Authority = PathOf("ca.crt") },
        };

        async Task CallAsync()
        {
            await using var connection = await ConnectAsync(settings);
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await connection.Actions.GetAsync(Guid.NewGuid(), deadline.Token);
        }

        await Assert.ThrowsAsync<ClusterUnavailableException>(CallAsync);
    }

    [Fact]
    public async Task Dispatch_CliWithTlsSettingsInItsEnvironment_Succeeds()
    {
        var client = Silo.Client.With(new Dictionary<string, string?>
        {
            ["Plexus__Tls__Certificate"] = PathOf("client.crt"),
            ["Plexus__Tls__Key"] = PathOf("client.key"),
            ["Plexus__Tls__Authority"] = PathOf("ca.crt"),
        });

        var result = await client.RunAsync("dispatch", "echo cli over tls");

        result.ShouldExit(ExitCode.Ok);
        Assert.Equal("cli over tls\n", result.Stdout);
        (await Silo.Client.RunAsync("status", Guid.NewGuid().ToString())).ShouldExit(ExitCode.Unavailable);
    }

    private Task<PlexusConnection> ConnectAsync(TlsSettings settings) =>
        PlexusConnection.ConnectAsync(o =>
        {
            o.Gateway = Silo.Gateway;
            o.ConfigureOrleans = client => client.UsePlexusTls(settings);
        });

    private string PathOf(string file) => Path.Combine(_dir, file);

    private static X509Certificate2 Authority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, critical: true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static X509Certificate2 Issue(X509Certificate2 authority, string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        using var signed = request.Create(authority, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), RandomNumberGenerator.GetBytes(8));
        return signed.CopyWithPrivateKey(key);
    }

    private void Write(string name, X509Certificate2 certificate, bool key)
    {
        File.WriteAllText(PathOf(name + ".crt"), certificate.ExportCertificatePem());
        if (key)
        {
            File.WriteAllText(PathOf(name + ".key"), certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        }
    }
}
