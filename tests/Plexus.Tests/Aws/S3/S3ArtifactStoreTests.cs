using Amazon.S3;
using Plexus.Artifacts;
using Plexus.Aws.S3.Artifacts;
using Plexus.Aws.S3.Options;
using Plexus.Tests.Unit;
using Xunit.Sdk;

namespace Plexus.Tests.Aws.S3;

/// <summary>The <c>Aws</c> profile's store, against the s3rver emulator <c>scripts/emulators.sh</c> starts (<c>AWS_ENDPOINT_URL_S3</c>).</summary>
[Trait(Category.Name, Category.Aws)]
public sealed class S3ArtifactStoreTests : ArtifactStoreContractTests
{
    private const string EndpointVariable = "AWS_ENDPOINT_URL_S3";

    private IAmazonS3? _client;

    protected override Task<IArtifactStore> CreateStoreAsync()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(EndpointVariable)))
        {
            throw new XunitException(
                $"{EndpointVariable} is not set, so there is no S3 emulator to test against. Run `scripts/emulators.sh start` " +
                "and `source artifacts/emulators/env` before running the S3 tests.");
        }

        // A bucket per test class instance: the store creates it at the first put, as in the Aws profile.
        var options = new S3ArtifactOptions { BucketName = $"plexus-test-{Guid.NewGuid():N}"[..40], KeyPrefix = "artifacts/" };
        _client = S3ArtifactStore.CreateClient(options);
        return Task.FromResult<IArtifactStore>(new S3ArtifactStore(_client, options));
    }

    public override Task DisposeAsync()
    {
        _client?.Dispose();
        return base.DisposeAsync();
    }
}
