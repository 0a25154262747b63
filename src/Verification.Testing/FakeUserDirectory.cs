using System.Collections.Concurrent;

namespace Verification.Testing;

/// <summary>
/// An <see cref="IUserDirectory"/> for tests: the accounts are the contacts you <see cref="Add"/>. It drives
/// <c>is_user</c> and the <c>USER</c> / <c>NOT_USER</c> targets. Contacts are matched the way the fake senders match
/// them: phone numbers by their E.164 form, emails case-insensitively. Thread-safe. <c>.UseFakes()</c> registers one.
/// </summary>
public sealed class FakeUserDirectory : IUserDirectory
{
    private readonly ConcurrentDictionary<(VerificationChannel, string), byte> _users = new();
    private Exception? _failure;

    /// <summary>Creates a directory without accounts.</summary>
    public FakeUserDirectory()
    {
    }

    /// <summary>Creates a directory holding an account for each of <paramref name="contacts"/> (see <see cref="Add"/>).</summary>
    /// <param name="contacts">Phone numbers with their country code (any spelling) or email addresses.</param>
    public FakeUserDirectory(params IEnumerable<string> contacts)
    {
        ArgumentNullException.ThrowIfNull(contacts);
        foreach (var contact in contacts)
        {
            Add(contact);
        }
    }

    /// <summary>How many accounts exist.</summary>
    public int Count => _users.Count;

    /// <summary>Adds an account for a phone number or an email address (an <c>@</c> makes it an email).</summary>
    /// <param name="contact">The phone number with its country code (any spelling) or the email address.</param>
    /// <returns>True when it was added; false when it already existed.</returns>
    public bool Add(string contact)
    {
        var key = Key(contact);
        return _users.TryAdd(key, 0);
    }

    /// <summary>Removes the account of a phone number or an email address.</summary>
    /// <param name="contact">The phone number with its country code (any spelling) or the email address.</param>
    /// <returns>True when it was removed; false when there was none.</returns>
    public bool Remove(string contact) => _users.TryRemove(Key(contact), out _);

    /// <summary>Whether an account exists for a phone number or an email address.</summary>
    /// <param name="contact">The phone number with its country code (any spelling) or the email address.</param>
    /// <returns>True when it exists.</returns>
    public bool Contains(string contact) => _users.ContainsKey(Key(contact));

    /// <summary>Removes every account.</summary>
    public void Clear() => _users.Clear();

    /// <summary>
    /// Makes lookups throw <paramref name="exception"/> (a database that is down; sends answer <c>unavailable</c>)
    /// until called again with null.
    /// </summary>
    /// <param name="exception">What lookups throw; null makes them answer again.</param>
    public void FailWith(Exception? exception) => Volatile.Write(ref _failure, exception);

    /// <inheritdoc />
    public ValueTask<bool> ExistsAsync(VerificationChannel channel, string contact, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contact);
        cancellationToken.ThrowIfCancellationRequested();
        if (Volatile.Read(ref _failure) is { } failure)
        {
            return ValueTask.FromException<bool>(failure);
        }

        return ValueTask.FromResult(_users.ContainsKey(Key(channel, contact)));
    }

    private static (VerificationChannel, string) Key(string contact)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contact);
        return Key(contact.Contains('@', StringComparison.Ordinal) ? VerificationChannel.Email : VerificationChannel.Sms, contact);
    }

    private static (VerificationChannel, string) Key(VerificationChannel channel, string contact) =>
        channel == VerificationChannel.Sms
            ? (channel, ContactMatcher.NormalizePhone(contact))
            : (channel, ContactMatcher.NormalizeEmail(contact).ToUpperInvariant());
}
