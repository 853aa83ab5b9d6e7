namespace Plexus.Aws.Client;

/// <summary>Fails client start-up with every problem of the DynamoDB gateway list settings at once.</summary>
public sealed class DynamoDbGatewayOptionsValidator(DynamoDbGatewayOptions options)
    : AwsOptionsValidator<DynamoDbGatewayOptions>(options, "DynamoDB gateway list")
{
    /// <inheritdoc />
    protected override void AddProblems(DynamoDbGatewayOptions options, ICollection<string> problems)
    {
        ArgumentNullException.ThrowIfNull(options);
        DynamoDbTableName.AddProblems(options.TablePrefix, options.TableName, problems);
    }
}
