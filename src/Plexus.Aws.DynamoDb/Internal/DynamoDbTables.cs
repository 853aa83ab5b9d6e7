using System.Diagnostics;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Plexus.Aws.DynamoDb.Options;

namespace Plexus.Aws.DynamoDb.Internal;

/// <summary>Creates a provider's table when it is missing and waits until it can be used.</summary>
internal static partial class DynamoDbTables
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Makes sure the table exists and is active. Several silos may start at once: whoever loses the race to create
    /// it gets <see cref="ResourceInUseException"/> and waits for the winner's table like everyone else. A table it
    /// creates gets <paramref name="indexes"/> too, with the same capacity as the table when that is provisioned.
    /// </summary>
    public static async Task EnsureTableAsync(
        IAmazonDynamoDB client,
        DynamoDbOptions options,
        IReadOnlyList<KeySchemaElement> keys,
        IReadOnlyList<AttributeDefinition> attributes,
        IReadOnlyList<GlobalSecondaryIndex> indexes,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var table = options.FullTableName;
        var status = await DescribeAsync(client, table, cancellationToken).ConfigureAwait(false);
        if (status is null)
        {
            if (!options.CreateIfNotExists)
            {
                throw new OrleansConfigurationException(
                    $"The DynamoDB table '{table}' does not exist and {nameof(DynamoDbOptions.CreateIfNotExists)} is false: create it or allow the provider to.");
            }

            // Provisioned only with both capacities set (the validator insists on both or neither); its indexes alike.
            ProvisionedThroughput? capacity = options.ReadCapacityUnits is { } read && options.WriteCapacityUnits is { } write
                ? new ProvisionedThroughput(read, write)
                : null;
            var request = new CreateTableRequest
            {
                TableName = table,
                KeySchema = [.. keys],
                AttributeDefinitions = [.. attributes],
                BillingMode = capacity is null ? BillingMode.PAY_PER_REQUEST : BillingMode.PROVISIONED,
                ProvisionedThroughput = capacity,
                GlobalSecondaryIndexes = indexes.Count > 0
                    ? [.. indexes.Select(index => new GlobalSecondaryIndex
                    {
                        IndexName = index.IndexName,
                        KeySchema = index.KeySchema,
                        Projection = index.Projection,
                        ProvisionedThroughput = capacity,
                    })]
                    : null,
            };

            try
            {
                await client.CreateTableAsync(request, cancellationToken).ConfigureAwait(false);
                LogCreating(logger, table, request.BillingMode.Value);
            }
            catch (ResourceInUseException)
            {
                LogCreatedElsewhere(logger, table);
            }
        }

        var elapsed = Stopwatch.StartNew();
        while (status != TableStatus.ACTIVE)
        {
            if (elapsed.Elapsed > options.TableActivationTimeout)
            {
                throw new TimeoutException(
                    $"The DynamoDB table '{table}' did not become ACTIVE within {options.TableActivationTimeout} (last status: {status?.Value ?? "missing"}).");
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            status = await DescribeAsync(client, table, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Turns on DynamoDB's time to live for <paramref name="attribute"/> unless it is already on for it.</summary>
    public static async Task EnsureTimeToLiveAsync(IAmazonDynamoDB client, string table, string attribute, ILogger logger, CancellationToken cancellationToken)
    {
        var current = await client.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = table }, cancellationToken).ConfigureAwait(false);
        var description = current.TimeToLiveDescription;
        if (description?.AttributeName == attribute
            && (description.TimeToLiveStatus == TimeToLiveStatus.ENABLED || description.TimeToLiveStatus == TimeToLiveStatus.ENABLING))
        {
            return;
        }

        try
        {
            await client.UpdateTimeToLiveAsync(new UpdateTimeToLiveRequest
            {
                TableName = table,
                TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = attribute, Enabled = true },
            }, cancellationToken).ConfigureAwait(false);
            LogTimeToLiveEnabled(logger, table, attribute);
        }
        catch (AmazonDynamoDBException ex) when (ex.ErrorCode == "ValidationException")
        {
            // Another silo turned it on meanwhile, or it is on for another attribute, which only an operator should change.
            LogTimeToLiveNotChanged(logger, table, attribute, ex.Message);
        }
    }

    private static async Task<TableStatus?> DescribeAsync(IAmazonDynamoDB client, string table, CancellationToken cancellationToken)
    {
        try
        {
            var response = await client.DescribeTableAsync(new DescribeTableRequest { TableName = table }, cancellationToken).ConfigureAwait(false);
            return response.Table.TableStatus;
        }
        catch (ResourceNotFoundException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Creating DynamoDB table {Table} ({BillingMode})")]
    private static partial void LogCreating(ILogger logger, string table, string billingMode);

    [LoggerMessage(Level = LogLevel.Information, Message = "DynamoDB table {Table} is being created by another process; waiting for it")]
    private static partial void LogCreatedElsewhere(ILogger logger, string table);

    [LoggerMessage(Level = LogLevel.Information, Message = "Time to live enabled on DynamoDB table {Table} for attribute {Attribute}")]
    private static partial void LogTimeToLiveEnabled(ILogger logger, string table, string attribute);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Time to live on DynamoDB table {Table} was not set to {Attribute}: {Reason}")]
    private static partial void LogTimeToLiveNotChanged(ILogger logger, string table, string attribute, string reason);
}
