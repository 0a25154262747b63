using System.Collections.Concurrent;

namespace Verification.Samples.WebApi;

/// <summary>An account of the demo: created by sign-up, found by sign-in.</summary>
public sealed record DemoAccount(string UserId, VerificationChannel Channel, string Contact, DateTimeOffset CreatedAt);

/// <summary>
/// The sample's account store, in memory. It is also the library's <see cref="IUserDirectory"/>, so
/// <c>is_user</c> turns true for a contact once it signed up.
/// </summary>
public sealed class DemoAccounts(TimeProvider timeProvider) : IUserDirectory
{
    private readonly ConcurrentDictionary<string, DemoAccount> _accounts = new(StringComparer.Ordinal);

    public ValueTask<bool> ExistsAsync(VerificationChannel channel, string contact, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_accounts.ContainsKey(Key(channel, contact)));

    public bool TryCreate(VerifiedContact contact, out DemoAccount account)
    {
        var created = new DemoAccount("u_" + Guid.NewGuid().ToString("N")[..12], contact.Channel, contact.Contact, timeProvider.GetUtcNow());
        account = _accounts.GetOrAdd(Key(contact.Channel, contact.Contact), created);
        return ReferenceEquals(account, created);
    }

    public DemoAccount? Find(VerifiedContact contact) => _accounts.GetValueOrDefault(Key(contact.Channel, contact.Contact));

    // Emails compare case-insensitively, as the library's limit keys do.
    private static string Key(VerificationChannel channel, string contact) =>
        channel == VerificationChannel.Email ? contact.ToLowerInvariant() : contact;
}
