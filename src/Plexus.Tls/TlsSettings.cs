using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;

namespace Plexus.Tls;

/// <summary>
/// TLS of the cluster's connections, from the <c>Plexus:Tls</c> section, the same on silos and clients: this end's
/// certificate and key (PEM files) and the certificate authority the other end's certificate must chain to. Unset
/// (no <see cref="Certificate"/> and no <see cref="Authority"/>), connections are plain TCP.
/// </summary>
public sealed class TlsSettings
{
    /// <summary>The configuration section these settings are read from.</summary>
    public const string SectionName = "Plexus:Tls";

    /// <summary>
    /// Gets or sets the PEM file of this end's certificate (<c>Plexus:Tls:Certificate</c>). Required on silos; optional on
    /// clients, unless the silos require client certificates. Default is none.
    /// </summary>
    public string? Certificate { get; set; }

    /// <summary>Gets or sets the PEM file of the private key of <see cref="Certificate"/> (<c>Plexus:Tls:Key</c>). Default is none.</summary>
    public string? Key { get; set; }

    /// <summary>
    /// Gets or sets the PEM file of the certificate authority the other end's certificate must chain to
    /// (<c>Plexus:Tls:Authority</c>); only it is trusted, not the machine's store. Required whenever TLS is on.
    /// </summary>
    public string? Authority { get; set; }

    /// <summary>
    /// Gets or sets whether a silo's gateway refuses clients without a certificate from <see cref="Authority"/>
    /// (<c>Plexus:Tls:RequireClientCertificate</c>). Default is <see langword="true"/>.
    /// </summary>
    public bool RequireClientCertificate { get; set; } = true;

    /// <summary>Gets whether TLS is configured at all.</summary>
    public bool Enabled => Certificate is { Length: > 0 } || Authority is { Length: > 0 };

    /// <summary>Reads the <c>Plexus:Tls</c> section of <paramref name="configuration"/>.</summary>
    public static TlsSettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.GetSection(SectionName).Get<TlsSettings>() ?? new TlsSettings();
    }

    /// <summary>Loads this end's certificate with its key, or <see langword="null"/> when none is configured; throws <see cref="PlexusException"/> naming the file that cannot be used.</summary>
    internal X509Certificate2? LoadCertificate()
    {
        if (Certificate is not { Length: > 0 } certificate)
        {
            return null;
        }

        try
        {
            var loaded = X509Certificate2.CreateFromPemFile(certificate, Key is { Length: > 0 } key ? key : null);

            // A key loaded from PEM is ephemeral, which TLS on Linux accepts; a PKCS#12 round trip keeps it usable everywhere.
            return X509CertificateLoader.LoadPkcs12(loaded.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new PlexusException($"{SectionName}:Certificate '{certificate}' (key '{Key ?? "in the same file"}') cannot be used: {ex.Message}");
        }
    }

    /// <summary>Returns the check that the other end's certificate chains to <see cref="Authority"/>; throws <see cref="PlexusException"/> when it is missing or unreadable.</summary>
    internal Func<X509Certificate2, bool> LoadAuthorityCheck()
    {
        if (Authority is not { Length: > 0 } path)
        {
            throw new PlexusException($"{SectionName}:Authority is not set: name the PEM file of the certificate authority that signed the cluster's certificates.");
        }

        X509Certificate2 authority;
        try
        {
            authority = X509CertificateLoader.LoadCertificateFromFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new PlexusException($"{SectionName}:Authority '{path}' cannot be read as a certificate: {ex.Message}");
        }

        return certificate =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(authority);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(certificate);
        };
    }

    /// <summary>Whether <paramref name="errors"/> leave nothing but the chain, which the authority check decides.</summary>
    internal static bool OnlyChainErrors(SslPolicyErrors errors) => (errors & ~SslPolicyErrors.RemoteCertificateChainErrors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == 0;
}
