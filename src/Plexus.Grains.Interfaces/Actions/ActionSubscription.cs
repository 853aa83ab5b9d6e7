namespace Plexus.Actions;

/// <summary>The answer to a subscription or its renewal.</summary>
/// <param name="Action">The action as it is now, or <see langword="null"/> when no action has the id.</param>
/// <param name="Lifetime">How long the subscription lasts unless renewed; renew well within it.</param>
[GenerateSerializer, Alias("plexus.ActionSubscription")]
public sealed record ActionSubscription(
    [property: Id(0)] ActionSnapshot? Action,
    [property: Id(1)] TimeSpan Lifetime);
