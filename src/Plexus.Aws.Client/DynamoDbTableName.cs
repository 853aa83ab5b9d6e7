using System.Text.RegularExpressions;

namespace Plexus.Aws.Client;

/// <summary>The rule of DynamoDB table names, for every provider's <c>TablePrefix</c> and <c>TableName</c>.</summary>
internal static partial class DynamoDbTableName
{
    public static void AddProblems(string? prefix, string? name, ICollection<string> problems)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            problems.Add("TableName is empty: set the name of the DynamoDB table, or leave it unset for the provider's default.");
        }
        else if (!Pattern().IsMatch(prefix + name))
        {
            problems.Add($"the table name '{prefix}{name}' (TablePrefix + TableName) is not a valid DynamoDB table name: " +
                         "use 3 to 255 characters of a-z, A-Z, 0-9, '_', '-' and '.'.");
        }
    }

    [GeneratedRegex("^[a-zA-Z0-9_.-]{3,255}$")]
    private static partial Regex Pattern();
}
