using System.Net;

namespace Verification.Adversarial.Tests;

/// <summary>
/// Threat T7 of docs/security.md (enumeration): existing and unknown contacts get the same status, body shape and
/// work (except the documented <c>is_user</c>, which can be switched off); timing is a benchmark, not a test.
/// </summary>
public sealed class EnumerationTests
{
    private const string Existing = "+86 15588665555";
    private const string Unknown = "+86 13800138000";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Send_ExistingAndUnknownContacts_SameStatusAndBodyShape(bool includeIsUser)
    {
        await using var app = await TestApp.StartAsync(o =>
        {
            o.UserDirectory = new FakeUserDirectory("+8615588665555");
            o.Verification = v => v.IncludeIsUser = includeIsUser;
        });

        using var existing = await app.PostAsync("/auth/v1/verification", $$"""{"phone_number":"{{Existing}}"}""");
        using var unknown = await app.PostAsync("/auth/v1/verification", $$"""{"phone_number":"{{Unknown}}"}""");

        var a = await Json.ReadSuccessAsync(existing);
        var b = await Json.ReadSuccessAsync(unknown);
        Assert.Equal(Json.PropertyNames(a), Json.PropertyNames(b));
        Assert.Equal(a.GetProperty("expires_in").GetInt32(), b.GetProperty("expires_in").GetInt32());
        Assert.Equal(a.GetProperty("verification_id").GetString()!.Length, b.GetProperty("verification_id").GetString()!.Length);
        Assert.Equal(existing.Content.Headers.ContentType, unknown.Content.Headers.ContentType);
        if (!includeIsUser)
        {
            Assert.DoesNotContain("is_user", Json.PropertyNames(a));
        }
    }

    [Fact]
    public async Task Verify_WrongCodeForExistingAndUnknownContacts_SameStatusAndBody()
    {
        await using var app = await TestApp.StartAsync(o => o.UserDirectory = new FakeUserDirectory("+8615588665555"));
        var existingId = await app.SendAsync($$"""{"phone_number":"{{Existing}}"}""");
        var existingCode = app.SmsSender.LastCode!;
        var unknownId = await app.SendAsync($$"""{"phone_number":"{{Unknown}}"}""");
        var unknownCode = app.SmsSender.LastCode!;

        using var a = await app.PostAsync("/auth/v1/verification/verify", $$"""{"verification_id":"{{existingId}}","verification_code":"{{ServiceHarness.WrongCode(existingCode)}}"}""");
        using var b = await app.PostAsync("/auth/v1/verification/verify", $$"""{"verification_id":"{{unknownId}}","verification_code":"{{ServiceHarness.WrongCode(unknownCode)}}"}""");

        Assert.Equal(a.StatusCode, b.StatusCode);
        Assert.Equal(await a.Content.ReadAsStringAsync(), await b.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// What an observer could measure (the store's, the directory's and the signer's work) is the same for a contact
    /// with an account and one without: the same store calls with the same charges, one directory call each, and a
    /// verification id of the same shape; the answers are byte-identical once the id is masked. (Timing itself is
    /// measured by EnumerationBenchmarks in benchmarks/, never asserted.)
    /// </summary>
    [Theory]
    [InlineData("+86 13900000001", "+86 13700000001")]
    [InlineData("alice@example.com", "bobby@example.com")]
    public async Task SendAsync_ExistingAndUnknownContact_SameCallsAndByteIdenticalAnswerShape(string existing, string unknown)
    {
        var existingRun = await SendRecordedAsync(existing, accountFor: existing);
        var unknownRun = await SendRecordedAsync(unknown, accountFor: existing);

        Assert.Equal(existingRun.StoreCalls, unknownRun.StoreCalls);
        Assert.Equal((1, 1), (existingRun.DirectoryCalls, unknownRun.DirectoryCalls));
        Assert.Equal(existingRun.TokenShape, unknownRun.TokenShape);
        Assert.Equal(existingRun.Answer, unknownRun.Answer);
        Assert.Equal(1, existingRun.Messages);
        Assert.Equal(1, unknownRun.Messages);
    }

    /// <summary>One send on a fresh service whose directory knows <paramref name="accountFor"/>, recorded.</summary>
    private static async Task<SendRecord> SendRecordedAsync(string contact, string accountFor)
    {
        var store = new CallLogStore();
        var directory = new CountingDirectory(accountFor);
        // The reserved share of the global budgets (existing accounts keep being served when the open share is spent)
        // shows in the limits charged; off here, as what is compared is everything else.
        var h = new ServiceHarness(o => (o.IncludeIsUser, o.Throttling.GlobalReservedShare) = (false, 0), store: store, userDirectory: directory);
        var request = contact.Contains('@', StringComparison.Ordinal) ? new VerificationRequest(Email: contact) : new VerificationRequest(PhoneNumber: contact);

        var result = await h.Service.SendAsync(request, new VerificationContext { ClientIp = IPAddress.Loopback, DeviceId = "device" });

        Assert.True(result.Succeeded, result.ToString());
        var id = result.Value.VerificationId;
        var masked = result.Value with { VerificationId = new string('x', id.Length) };
        return new SendRecord(
            string.Join('\n', store.Calls),
            directory.Calls,
            TokenShape(id),
            System.Text.Json.JsonSerializer.Serialize(masked),
            h.Messages.Count);
    }

    /// <summary>The header and the claim names and value lengths of a JWT: everything but the values themselves.</summary>
    private static string TokenShape(string jwt)
    {
        var parts = jwt.Split('.');
        var header = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(parts[0]);
        using var payload = System.Text.Json.JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(parts[1]));
        var claims = payload.RootElement.EnumerateObject().Select(p => $"{p.Name}:{p.Value.ValueKind}:{p.Value.ToString().Length}");
        return $"{header} {string.Join(',', claims)} {parts[2].Length}";
    }

    private sealed record SendRecord(string StoreCalls, int DirectoryCalls, string TokenShape, string Answer, int Messages);

    /// <summary>The in-memory store, logging each call with its charges (keys reduced to their counter names).</summary>
    private sealed class CallLogStore : ICodeStore
    {
        private readonly InMemoryCodeStore _inner = new();

        public List<string> Calls { get; } = [];

        public ValueTask<SaveOutcome> SaveAsync(CodeRecord record, IReadOnlyList<RateCharge> charges, bool waiveSoftLimits, DateTimeOffset now, CancellationToken cancellationToken = default)
        {
            Calls.Add($"save {record.CodeHash.Length} {record.ExpiresAt:O} {waiveSoftLimits} " + string.Join(' ', charges.Select(c => $"{c.Key.Split(':')[0]}/{c.Limit}/{c.Window}/{c.Amount}/{c.Kind}")));
            return _inner.SaveAsync(record, charges, waiveSoftLimits, now, cancellationToken);
        }

        public ValueTask<AttemptOutcome> AttemptAsync(Guid recordId, ReadOnlyMemory<byte> presentedHash, int maxAttempts, RateCharge failureCharge, DateTimeOffset now, CancellationToken cancellationToken = default)
        {
            Calls.Add("attempt");
            return _inner.AttemptAsync(recordId, presentedHash, maxAttempts, failureCharge, now, cancellationToken);
        }

        public ValueTask ReleaseAsync(CodeRecord record, IReadOnlyList<RateCharge> charges, DateTimeOffset now, CancellationToken cancellationToken = default)
        {
            Calls.Add("release");
            return _inner.ReleaseAsync(record, charges, now, cancellationToken);
        }

        public ValueTask<bool> TryUseOnceAsync(string key, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken = default)
        {
            Calls.Add("use-once");
            return _inner.TryUseOnceAsync(key, expiresAt, now, cancellationToken);
        }

        public ValueTask<string> GetOrAddValueAsync(string key, string value, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken = default)
        {
            Calls.Add("get-or-add");
            return _inner.GetOrAddValueAsync(key, value, expiresAt, now, cancellationToken);
        }

        public ValueTask<string?> GetValueAsync(string key, DateTimeOffset now, CancellationToken cancellationToken = default)
        {
            Calls.Add("get");
            return _inner.GetValueAsync(key, now, cancellationToken);
        }

        public ValueTask RemoveValueAsync(string key, string value, DateTimeOffset now, CancellationToken cancellationToken = default)
        {
            Calls.Add("remove");
            return _inner.RemoveValueAsync(key, value, now, cancellationToken);
        }

        public ValueTask<IReadOnlyList<RateCounter>> ReadCountersAsync(IReadOnlyList<RateCharge> charges, DateTimeOffset now, CancellationToken cancellationToken = default)
        {
            Calls.Add("read " + string.Join(' ', charges.Select(c => c.Key.Split(':')[0])));
            return _inner.ReadCountersAsync(charges, now, cancellationToken);
        }

        public ValueTask ChargeAsync(IReadOnlyList<RateCharge> charges, DateTimeOffset now, CancellationToken cancellationToken = default)
        {
            Calls.Add("charge " + string.Join(' ', charges.Select(c => c.Key.Split(':')[0])));
            return _inner.ChargeAsync(charges, now, cancellationToken);
        }
    }

    /// <summary>A directory that knows one contact (compared normalized) and counts its calls.</summary>
    private sealed class CountingDirectory(string account) : IUserDirectory
    {
        public int Calls { get; private set; }

        public ValueTask<bool> ExistsAsync(VerificationChannel channel, string contact, CancellationToken cancellationToken = default)
        {
            Calls++;
            return ValueTask.FromResult(string.Equals(contact, account.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal));
        }
    }
}
