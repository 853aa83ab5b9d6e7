using System.Globalization;
using Plexus.Aws.Client;

namespace Plexus.Aws.DynamoDb.Options;

/// <summary>
/// Fails silo start-up with every problem of a DynamoDB provider's settings at once, each naming the setting and the
/// fix, instead of letting the first AWS call fail later with an SDK error.
/// </summary>
/// <param name="options">The provider's options.</param>
/// <param name="provider">The provider as the message names it, e.g. <c>DynamoDB grain storage 'actions'</c>.</param>
public sealed class DynamoDbOptionsValidator<TOptions>(TOptions options, string provider) : AwsOptionsValidator<TOptions>(options, provider)
    where TOptions : DynamoDbOptions
{
    /// <inheritdoc />
    protected override void AddProblems(TOptions options, ICollection<string> problems)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(problems);
        DynamoDbTableName.AddProblems(options.TablePrefix, options.TableName, problems);

        if (options.ReadCapacityUnits.HasValue != options.WriteCapacityUnits.HasValue)
        {
            problems.Add($"only one of {nameof(DynamoDbOptions.ReadCapacityUnits)} and {nameof(DynamoDbOptions.WriteCapacityUnits)} is set: " +
                         "set both for provisioned billing, or neither for on-demand billing.");
        }

        if (options.ReadCapacityUnits <= 0 || options.WriteCapacityUnits <= 0)
        {
            problems.Add($"{nameof(DynamoDbOptions.ReadCapacityUnits)} and {nameof(DynamoDbOptions.WriteCapacityUnits)} must be positive when set; " +
                         $"they are {options.ReadCapacityUnits?.ToString(CultureInfo.InvariantCulture) ?? "unset"} and {options.WriteCapacityUnits?.ToString(CultureInfo.InvariantCulture) ?? "unset"}.");
        }

        if (options.TableActivationTimeout <= TimeSpan.Zero)
        {
            problems.Add($"{nameof(DynamoDbOptions.TableActivationTimeout)} must be positive; it is {options.TableActivationTimeout}.");
        }

        if (options is DynamoDbActionIndexOptions index)
        {
            if (index.TimeToLiveMargin < TimeSpan.Zero)
            {
                problems.Add($"{nameof(DynamoDbActionIndexOptions.TimeToLiveMargin)} must not be negative; it is {index.TimeToLiveMargin}. It is how long past an entry's retention DynamoDB may delete it, e.g. 1.00:00:00.");
            }

            if (string.IsNullOrWhiteSpace(index.TimeToLiveAttribute))
            {
                problems.Add($"{nameof(DynamoDbActionIndexOptions.TimeToLiveAttribute)} is empty: name the attribute that holds the expiry time, e.g. ExpiresAt.");
            }
        }

        if (options is DynamoDbGrainStorageOptions storage)
        {
            if (storage.GrainStorageSerializer is null)
            {
                problems.Add($"{nameof(DynamoDbGrainStorageOptions.GrainStorageSerializer)} is not set: leave it to the default (the Orleans serializer) or set one.");
            }

            if (storage.MaxStateSize <= 0)
            {
                problems.Add($"{nameof(DynamoDbGrainStorageOptions.MaxStateSize)} must be a positive number of bytes; it is {storage.MaxStateSize}.");
            }

            if (storage.TimeToLive <= TimeSpan.Zero)
            {
                problems.Add($"{nameof(DynamoDbGrainStorageOptions.TimeToLive)} must be positive when set; it is {storage.TimeToLive}. Leave it unset to keep states until cleared.");
            }

            if (storage.TimeToLive.HasValue && string.IsNullOrWhiteSpace(storage.TimeToLiveAttribute))
            {
                problems.Add($"{nameof(DynamoDbGrainStorageOptions.TimeToLive)} is set but {nameof(DynamoDbGrainStorageOptions.TimeToLiveAttribute)} is empty: name the attribute that holds the expiry time, e.g. ExpiresAt.");
            }
        }
    }
}
