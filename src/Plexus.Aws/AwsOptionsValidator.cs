using System.Text.RegularExpressions;
using Orleans.Runtime;

namespace Plexus.Aws;

/// <summary>
/// Validates the options of one AWS provider at silo or client start: the connection settings shared by every
/// provider (<see cref="AwsConnectionOptions"/>) and, through <see cref="AddProblems"/>, the provider's own. Every
/// problem is collected, and start fails once with all of them, each naming the setting and the fix, instead of the
/// first AWS call failing later with an SDK error.
/// </summary>
/// <typeparam name="TOptions">The provider's options.</typeparam>
/// <param name="options">The options to check.</param>
/// <param name="provider">What the options configure, as the message names it, e.g. <c>DynamoDB grain storage 'actions'</c>.</param>
public abstract class AwsOptionsValidator<TOptions>(TOptions options, string provider) : IConfigurationValidator
    where TOptions : AwsConnectionOptions
{
    /// <inheritdoc />
    public void ValidateConfiguration()
    {
        var problems = new List<string>();
        AwsConnectionRules.AddProblems(options, problems);
        AddProblems(options, problems);
        if (problems.Count > 0)
        {
            throw new OrleansConfigurationException(Message(provider, problems));
        }
    }

    // The provider, then one line per problem.
    private static string Message(string provider, List<string> problems)
    {
        var count = problems.Count == 1 ? "1 problem" : $"{problems.Count} problems";
        return $"{provider} is not configured correctly ({count}):" + string.Concat(problems.Select(p => $"{Environment.NewLine}  - {p}"));
    }

    /// <summary>Adds a line to <paramref name="problems"/> for every provider setting of <paramref name="options"/> that cannot work.</summary>
    protected abstract void AddProblems(TOptions options, ICollection<string> problems);
}

/// <summary>What makes connection settings unusable; one rule set for every AWS provider.</summary>
internal static partial class AwsConnectionRules
{
    public static void AddProblems(AwsConnectionOptions options, ICollection<string> problems)
    {
        if (IsSet(options.Region) && !RegionPattern().IsMatch(options.Region!))
        {
            problems.Add($"{nameof(options.Region)} '{options.Region}' is not an AWS region name: use one like eu-west-1, or leave it unset for the SDK's region (AWS_REGION).");
        }

        if (IsSet(options.ServiceUrl)
            && !(Uri.TryCreate(options.ServiceUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
        {
            problems.Add($"{nameof(options.ServiceUrl)} '{options.ServiceUrl}' is not an absolute http(s) URL: use one like http://127.0.0.1:8000, " +
                         "or leave it unset for the SDK's endpoint (AWS_ENDPOINT_URL_<SERVICE>, else the region's).");
        }

        var keys = IsSet(options.AccessKey);
        if (keys && !IsSet(options.SecretKey))
        {
            problems.Add($"{nameof(options.AccessKey)} is set but {nameof(options.SecretKey)} is not: set both, or neither to use the SDK's credential chain.");
        }

        if (!keys && IsSet(options.SecretKey))
        {
            problems.Add($"{nameof(options.SecretKey)} is set but {nameof(options.AccessKey)} is not: set both, or neither to use the SDK's credential chain.");
        }

        if (!keys && IsSet(options.Token))
        {
            problems.Add($"{nameof(options.Token)} is set but {nameof(options.AccessKey)} is not: a session token goes with {nameof(options.AccessKey)} and {nameof(options.SecretKey)}.");
        }

        if (keys && IsSet(options.ProfileName))
        {
            problems.Add($"{nameof(options.ProfileName)} and {nameof(options.AccessKey)} are both set: take the credentials from the profile or from the keys, " +
                         "not both (or from neither, for the SDK's credential chain).");
        }
    }

    private static bool IsSet(string? value) => !string.IsNullOrWhiteSpace(value);

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)+$")]
    private static partial Regex RegionPattern();
}
