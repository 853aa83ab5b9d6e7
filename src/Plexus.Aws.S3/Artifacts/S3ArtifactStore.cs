using System.Globalization;
using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Plexus.Actions;
using Plexus.Artifacts;
using Plexus.Aws.S3.Options;

namespace Plexus.Aws.S3.Artifacts;

/// <summary>
/// The <c>Aws</c> profile's artifact store: one object per artifact, keyed
/// <c>&lt;prefix&gt;&lt;action&gt;/&lt;attempt&gt;/&lt;name&gt;</c>. A put is one request, so a reader sees the whole
/// object or none; ranges serve the parts a client reads.
/// </summary>
public sealed class S3ArtifactStore(IAmazonS3 s3, S3ArtifactOptions options) : IArtifactStore
{
    private readonly SemaphoreSlim _bucketGate = new(1, 1);
    private volatile bool _bucketReady = !options.CreateBucket;

    /// <summary>Builds the S3 client <paramref name="options"/> describe.</summary>
    public static IAmazonS3 CreateClient(S3ArtifactOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return AwsClientFactory.Create(options, (Amazon.Runtime.AWSCredentials? credentials, AmazonS3Config config) =>
        {
            // Checksums only where S3 requires them: the SDK's default sends them as aws-chunked trailers, which
            // emulators do not decode; the content's SHA-256 is listed with each artifact anyway.
            config.RequestChecksumCalculation = Amazon.Runtime.RequestChecksumCalculation.WHEN_REQUIRED;
            config.ResponseChecksumValidation = Amazon.Runtime.ResponseChecksumValidation.WHEN_REQUIRED;
            config.ForcePathStyle = options.ForcePathStyle
                ?? (!string.IsNullOrWhiteSpace(options.ServiceUrl) || !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_S3")));
            return credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(credentials, config);
        });
    }

    /// <inheritdoc />
    public async Task PutAsync(ArtifactKey key, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        await EnsureBucketAsync(cancellationToken).ConfigureAwait(false);

        // The SDK needs a length up front; a hashing stream cannot seek, so the content is buffered in a temp file.
        var temporary = Path.GetTempFileName();
        try
        {
            await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write))
            {
                await content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            }

            // Signed whole rather than in aws-chunked parts: the file is at hand, and emulators (s3rver) store the chunk framing as content.
            await s3.PutObjectAsync(
                new PutObjectRequest { BucketName = options.BucketName, Key = KeyOf(key), FilePath = temporary, UseChunkEncoding = false },
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <inheritdoc />
    public async Task<ArtifactChunk?> ReadAsync(ArtifactKey key, long offset, int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        long size;
        try
        {
            var head = await s3.GetObjectMetadataAsync(options.BucketName, KeyOf(key), cancellationToken).ConfigureAwait(false);
            size = head.ContentLength;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (offset >= size || count == 0)
        {
            return new ArtifactChunk([], size);
        }

        var last = Math.Min(size, offset + count) - 1;
        using var response = await s3.GetObjectAsync(
            new GetObjectRequest { BucketName = options.BucketName, Key = KeyOf(key), ByteRange = new ByteRange(offset, last) }, cancellationToken).ConfigureAwait(false);
        var buffer = new byte[last - offset + 1];
        await response.ResponseStream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        return new ArtifactChunk(buffer, size);
    }

    /// <inheritdoc />
    public async Task DeleteActionAsync(Guid actionId, CancellationToken cancellationToken = default)
    {
        var prefix = options.KeyPrefix + actionId.ToString("N") + "/";
        string? token = null;
        do
        {
            ListObjectsV2Response page;
            try
            {
                page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = options.BucketName, Prefix = prefix, ContinuationToken = token }, cancellationToken).ConfigureAwait(false);
            }
            catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchBucket")
            {
                return;
            }

            // SDK v4 returns null instead of an empty list.
            if (page.S3Objects is { Count: > 0 } objects)
            {
                await s3.DeleteObjectsAsync(new DeleteObjectsRequest
                {
                    BucketName = options.BucketName,
                    Objects = [.. objects.Select(o => new KeyVersion { Key = o.Key })],
                }, cancellationToken).ConfigureAwait(false);
            }

            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
    }

    // The name was checked by ArtifactKey: it has no empty, '.' or '..' part, so keys of two actions never meet.
    private string KeyOf(ArtifactKey key) =>
        $"{options.KeyPrefix}{key.ActionId:N}/{key.Attempt.ToString(CultureInfo.InvariantCulture)}/{key.Name}";

    private async Task EnsureBucketAsync(CancellationToken cancellationToken)
    {
        if (_bucketReady)
        {
            return;
        }

        await _bucketGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_bucketReady)
            {
                try
                {
                    await s3.PutBucketAsync(new PutBucketRequest { BucketName = options.BucketName }, cancellationToken).ConfigureAwait(false);
                }
                catch (AmazonS3Exception ex) when (ex.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
                {
                }

                _bucketReady = true;
            }
        }
        finally
        {
            _bucketGate.Release();
        }
    }
}
