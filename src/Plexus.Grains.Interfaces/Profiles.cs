namespace Plexus;

/// <summary>The deployment profiles silos and clients are started in; both read the same setting.</summary>
public static class Profiles
{
    /// <summary>One silo with everything on local disk and in memory: no external service.</summary>
    public const string Local = "Local";

    /// <summary>Many silos joined through DynamoDB (clustering, state, reminders), with SQS streams.</summary>
    public const string Aws = "Aws";

    /// <summary>The configuration key of the profile.</summary>
    public const string ConfigurationKey = "Plexus:Profile";

    /// <summary>The environment variable that picks the profile, as an alternative to <see cref="ConfigurationKey"/>.</summary>
    public const string EnvironmentVariable = "PLEXUS_PROFILE";

    /// <summary>Gets whether <paramref name="value"/> names <paramref name="profile"/> (the case does not matter).</summary>
    public static bool Is(string? value, string profile) => string.Equals(value, profile, StringComparison.OrdinalIgnoreCase);
}
