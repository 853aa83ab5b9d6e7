namespace Plexus.Execution;

/// <summary>The stream consumer that admits command envelopes into its silo's worker pool.</summary>
[Alias("plexus.ICommandWorkerGrain"), Plexus.Security.SiloOnly]
public interface ICommandWorkerGrain : IGrainWithStringKey
{
}
