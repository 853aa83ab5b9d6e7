using Orleans.Connections.Security;
using Orleans.Hosting;

namespace Plexus.Tls;

/// <summary>Turns on TLS for a silo's or a client's connections from <see cref="TlsSettings"/>.</summary>
public static class TlsHostingExtensions
{
    /// <summary>
    /// Makes the silo speak TLS on its gateway and to other silos, with its certificate, trusting only certificates
    /// from the settings' authority; clients must present one when <see cref="TlsSettings.RequireClientCertificate"/>.
    /// Does nothing when TLS is not configured. Throws <see cref="PlexusException"/> for files that cannot be used.
    /// </summary>
    public static ISiloBuilder UsePlexusTls(this ISiloBuilder builder, TlsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.Enabled)
        {
            return builder;
        }

        var certificate = settings.LoadCertificate()
            ?? throw new PlexusException($"{TlsSettings.SectionName}:Certificate is not set: a silo with TLS needs its certificate (and {TlsSettings.SectionName}:Key).");
        var trusted = settings.LoadAuthorityCheck();
        return builder.UseTls(certificate, tls =>
        {
            tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            tls.ClientCertificateMode = settings.RequireClientCertificate ? RemoteCertificateMode.RequireCertificate : RemoteCertificateMode.AllowCertificate;
            tls.RemoteCertificateValidation = (remote, _, errors) => TlsSettings.OnlyChainErrors(errors) && trusted(remote);
        });
    }

    /// <summary>
    /// Makes the client speak TLS to its gateways, trusting only silo certificates from the settings' authority and
    /// presenting its own certificate when it has one. Does nothing when TLS is not configured.
    /// </summary>
    public static IClientBuilder UsePlexusTls(this IClientBuilder builder, TlsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.Enabled)
        {
            return builder;
        }

        var certificate = settings.LoadCertificate();
        var trusted = settings.LoadAuthorityCheck();
        return builder.UseTls(tls =>
        {
            tls.LocalCertificate = certificate;
            tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            tls.RemoteCertificateValidation = (remote, _, errors) => TlsSettings.OnlyChainErrors(errors) && trusted(remote);
        });
    }
}
