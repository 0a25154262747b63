using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Verification.Benchmarks;

/// <summary>
/// Budget 4: what a .NET developer would otherwise use — ASP.NET Core Identity's <see cref="PhoneNumberTokenProvider{TUser}"/>
/// (a TOTP over the user's security stamp; nothing stored, not single-use, no attempt limit) generating and validating a
/// code for a user of a minimal in-memory store — next to our HS256 send + verify of a code (stored, single-use,
/// attempt-limited, rate-limited, with a signed verification_id and verification_token).
/// </summary>
public class PeerBenchmarks
{
    private const string Purpose = "sign-in";

    private readonly PhoneNumberTokenProvider<BenchUser> _provider = new();
    private UserManager<BenchUser> _users = null!;
    private BenchUser[] _people = null!;
    private VerificationService _service = null!;
    private string[] _phones = null!;
    private int _next;
    private int _nextUser;

    [GlobalSetup]
    public void GlobalSetup()
    {
        _phones = Setup.Phones(1_000_000);
        (_service, _) = Scenario.Create("HS256", _phones);
        var store = new BenchUserStore();
        _users = new UserManager<BenchUser>(
            store,
            Options.Create(new IdentityOptions()),
            new PasswordHasher<BenchUser>(),
            [],
            [],
            new UpperInvariantLookupNormalizer(),
            new IdentityErrorDescriber(),
            null!,
            NullLogger<UserManager<BenchUser>>.Instance);
        _people = [.. Enumerable.Range(0, 1024).Select(i => store.Add(new BenchUser(i.ToString(System.Globalization.CultureInfo.InvariantCulture), Setup.Phone(i))))];
        if (!IdentityGenerateValidate())
        {
            throw new InvalidOperationException("Identity refused its own code.");
        }
    }

    [Benchmark(Baseline = true)]
    public bool IdentityGenerateValidate()
    {
        var user = _people[_nextUser++ % _people.Length];
        var code = _provider.GenerateAsync(Purpose, _users, user).GetAwaiter().GetResult();
        return _provider.ValidateAsync(Purpose, code, _users, user).GetAwaiter().GetResult()
            ? true
            : throw new InvalidOperationException("Identity refused its own code.");
    }

    [Benchmark]
    public string SendVerifyHs256()
    {
        var sent = Sync.Wait(_service.SendAsync(new VerificationRequest(PhoneNumber: _phones[_next++ % _phones.Length])));
        var verified = Sync.Wait(_service.VerifyAsync(new VerifyRequest(sent.Value!.VerificationId, CapturingSender.LastCode)));
        return verified.Succeeded ? verified.Value.VerificationToken : throw new InvalidOperationException(verified.Error.ToString());
    }
}

/// <summary>A user of the peer benchmark.</summary>
public sealed class BenchUser(string id, string phone)
{
    public string Id { get; } = id;

    public string PhoneNumber { get; } = phone;

    public string SecurityStamp { get; set; } = Guid.NewGuid().ToString("N");
}

/// <summary>The least a <see cref="UserManager{TUser}"/> needs for phone-number tokens: users by id, their phone and security stamp.</summary>
internal sealed class BenchUserStore : IUserPhoneNumberStore<BenchUser>, IUserSecurityStampStore<BenchUser>
{
    private readonly Dictionary<string, BenchUser> _users = new(StringComparer.Ordinal);

    public BenchUser Add(BenchUser user)
    {
        _users[user.Id] = user;
        return user;
    }

    public Task<string> GetUserIdAsync(BenchUser user, CancellationToken cancellationToken) => Task.FromResult(user.Id);

    public Task<string?> GetUserNameAsync(BenchUser user, CancellationToken cancellationToken) => Task.FromResult<string?>(user.Id);

    public Task SetUserNameAsync(BenchUser user, string? userName, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<string?> GetNormalizedUserNameAsync(BenchUser user, CancellationToken cancellationToken) => Task.FromResult<string?>(user.Id);

    public Task SetNormalizedUserNameAsync(BenchUser user, string? normalizedName, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IdentityResult> CreateAsync(BenchUser user, CancellationToken cancellationToken)
    {
        Add(user);
        return Task.FromResult(IdentityResult.Success);
    }

    public Task<IdentityResult> UpdateAsync(BenchUser user, CancellationToken cancellationToken) => Task.FromResult(IdentityResult.Success);

    public Task<IdentityResult> DeleteAsync(BenchUser user, CancellationToken cancellationToken)
    {
        _users.Remove(user.Id);
        return Task.FromResult(IdentityResult.Success);
    }

    public Task<BenchUser?> FindByIdAsync(string userId, CancellationToken cancellationToken) => Task.FromResult(_users.GetValueOrDefault(userId));

    public Task<BenchUser?> FindByNameAsync(string normalizedUserName, CancellationToken cancellationToken) => Task.FromResult(_users.GetValueOrDefault(normalizedUserName));

    public Task SetPhoneNumberAsync(BenchUser user, string? phoneNumber, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<string?> GetPhoneNumberAsync(BenchUser user, CancellationToken cancellationToken) => Task.FromResult<string?>(user.PhoneNumber);

    public Task<bool> GetPhoneNumberConfirmedAsync(BenchUser user, CancellationToken cancellationToken) => Task.FromResult(true);

    public Task SetPhoneNumberConfirmedAsync(BenchUser user, bool confirmed, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task SetSecurityStampAsync(BenchUser user, string stamp, CancellationToken cancellationToken)
    {
        user.SecurityStamp = stamp;
        return Task.CompletedTask;
    }

    public Task<string?> GetSecurityStampAsync(BenchUser user, CancellationToken cancellationToken) => Task.FromResult<string?>(user.SecurityStamp);

    public void Dispose()
    {
    }
}
