namespace Plexus.Actions;

/// <summary>
/// The last time the envelope of an action's current attempt was handed to the workers, while the action is
/// queued. Recovery reads it to decide when to publish the envelope again in case it was lost.
/// </summary>
/// <param name="At">When it was published.</param>
/// <param name="Silo">The silo that published it, the one the action was active on (<see cref="SiloAddress.ToParsableString"/>).</param>
/// <param name="Republished">How many times recovery published this attempt again.</param>
[GenerateSerializer, Alias("plexus.EnvelopePublication")]
public sealed record EnvelopePublication(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Silo,
    [property: Id(2)] int Republished);
