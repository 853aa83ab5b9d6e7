using System.Text.RegularExpressions;
using Orleans.Runtime;

namespace Plexus.Aws.DynamoDb.Options;

/// <summary>
/// Fails silo or client start-up with a message that names the DynamoDB provider and the setting that is missing or
/// invalid, instead of letting the first AWS call fail later with an SDK error.
/// </summary>
public sealed partial class DynamoDbOptionsValidator<TOptions>(TOptions options, string providerDescription) : IConfigurationValidator
    where TOptions : DynamoDbOptions
{
    /// <inheritdoc />
    public void ValidateConfiguration()
    {
        foreach (var problem in Problems())
        {
            throw new OrleansConfigurationException($"The {providerDescription} is not configured correctly: {problem}");
        }
    }

    private IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(options.TableName))
        {
            yield return $"{nameof(DynamoDbOptions.TableName)} is empty: set the name of the DynamoDB table.";
        }
        else if (!TableNamePattern().IsMatch(options.FullTableName))
        {
            yield return $"the table name '{options.FullTableName}' ({nameof(DynamoDbOptions.TablePrefix)} + {nameof(DynamoDbOptions.TableName)}) " +
                         "is not a valid DynamoDB table name: 3 to 255 characters of a-z, A-Z, 0-9, '_', '-' and '.'.";
        }

        if (!string.IsNullOrEmpty(options.ServiceUrl)
            && !(Uri.TryCreate(options.ServiceUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            yield return $"{nameof(DynamoDbOptions.ServiceUrl)} '{options.ServiceUrl}' is not an absolute http(s) URL, e.g. http://127.0.0.1:8000.";
        }

        if (!string.IsNullOrEmpty(options.AccessKey) && string.IsNullOrEmpty(options.SecretKey))
        {
            yield return $"{nameof(DynamoDbOptions.AccessKey)} is set but {nameof(DynamoDbOptions.SecretKey)} is not: set both, or neither to use the standard credential chain.";
        }

        if (string.IsNullOrEmpty(options.AccessKey) && !string.IsNullOrEmpty(options.SecretKey))
        {
            yield return $"{nameof(DynamoDbOptions.SecretKey)} is set but {nameof(DynamoDbOptions.AccessKey)} is not: set both, or neither to use the standard credential chain.";
        }

        if (string.IsNullOrEmpty(options.AccessKey) && !string.IsNullOrEmpty(options.Token))
        {
            yield return $"{nameof(DynamoDbOptions.Token)} is set but {nameof(DynamoDbOptions.AccessKey)} is not: a session token belongs to an access key and secret key.";
        }

        if (options.ReadCapacityUnits.HasValue != options.WriteCapacityUnits.HasValue)
        {
            yield return $"only one of {nameof(DynamoDbOptions.ReadCapacityUnits)} and {nameof(DynamoDbOptions.WriteCapacityUnits)} is set: " +
                         "set both for provisioned billing, or neither for on-demand billing.";
        }

        if (options.ReadCapacityUnits <= 0 || options.WriteCapacityUnits <= 0)
        {
            yield return $"{nameof(DynamoDbOptions.ReadCapacityUnits)} and {nameof(DynamoDbOptions.WriteCapacityUnits)} must be positive when set.";
        }

        if (options.TableActivationTimeout <= TimeSpan.Zero)
        {
            yield return $"{nameof(DynamoDbOptions.TableActivationTimeout)} must be positive.";
        }

        if (options is DynamoDbGrainStorageOptions storage)
        {
            if (storage.GrainStorageSerializer is null)
            {
                yield return $"{nameof(DynamoDbGrainStorageOptions.GrainStorageSerializer)} is not set.";
            }

            if (storage.MaxStateSize <= 0)
            {
                yield return $"{nameof(DynamoDbGrainStorageOptions.MaxStateSize)} must be positive.";
            }

            if (storage.TimeToLive <= TimeSpan.Zero)
            {
                yield return $"{nameof(DynamoDbGrainStorageOptions.TimeToLive)} must be positive when set.";
            }

            if (storage.TimeToLive.HasValue && string.IsNullOrWhiteSpace(storage.TimeToLiveAttribute))
            {
                yield return $"{nameof(DynamoDbGrainStorageOptions.TimeToLive)} is set but {nameof(DynamoDbGrainStorageOptions.TimeToLiveAttribute)} is empty.";
            }
        }
    }

    [GeneratedRegex("^[a-zA-Z0-9_.-]{3,255}$")]
    private static partial Regex TableNamePattern();
}
