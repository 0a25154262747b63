using Microsoft.Extensions.Options;

namespace Verification.Redis;

/// <summary>Validates <see cref="RedisStoreOptions"/> at start, naming the configuration key to fix.</summary>
internal sealed class RedisStoreOptionsValidator(RedisConnectionChoice choice) : IValidateOptions<RedisStoreOptions>
{
    public const string MissingConfiguration =
        "Verification:Redis:Configuration is required by UseRedisStore(): set it to a StackExchange.Redis connection string such as '127.0.0.1:6379', or pass your own IConnectionMultiplexer to UseRedisStore(multiplexer).";

    public ValidateOptionsResult Validate(string? name, RedisStoreOptions options)
    {
        var failures = new List<string>();
        if (choice.Factory is null && string.IsNullOrWhiteSpace(options.Configuration))
        {
            failures.Add(MissingConfiguration);
        }
        else if (choice.Factory is null)
        {
            try
            {
                StackExchange.Redis.ConfigurationOptions.Parse(options.Configuration!);
            }
            catch (ArgumentException e)
            {
                // The connection string may hold a password: only the parser's complaint is shown.
                failures.Add($"Verification:Redis:Configuration is not a StackExchange.Redis connection string ({e.Message}); write host:port, then options such as ',password=…,ssl=true'.");
            }
        }

        if (options.Timeout < TimeSpan.FromMilliseconds(100) || options.Timeout > TimeSpan.FromMinutes(1))
        {
            failures.Add($"Verification:Redis:Timeout is {options.Timeout}; use 00:00:00.1 to 00:01:00 (00:00:01 is the default).");
        }

        if (options.KeyPrefix is not null && (string.IsNullOrWhiteSpace(options.KeyPrefix) || options.KeyPrefix.AsSpan().IndexOfAny('{', '}') >= 0))
        {
            failures.Add("Verification:Redis:KeyPrefix must be non-empty and may not contain '{' or '}' (it becomes the keys' cluster hash tag).");
        }

        if (options.KeyNameSecret is { } secret && (RedisCodeStore.TryDecodeSecret(secret) is not { Length: >= 32 }))
        {
            failures.Add("Verification:Redis:KeyNameSecret must be base64 of at least 32 random bytes (for example the output of 'openssl rand -base64 32'), or unset to derive it from Verification:Tokens:HashKey.");
        }

        if (options.Database < -1)
        {
            failures.Add("Verification:Redis:Database must be -1 (the connection string's default) or a database number.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
