using System.Diagnostics;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PhoneNumbers;

namespace Verification.Benchmarks;

/// <summary>
/// Evidence for docs/performance.md (<c>dotnet run -c Release -- allocations</c>), HS256 through the service:
/// whether the hot path hops asynchronously or throws, the exceptions a refused token costs, and bytes allocated per
/// send and per verify next to what the libraries it calls allocate on their own for the same work (libphonenumber's
/// parse and checks), what JsonWebTokenHandler's CreateToken and ValidateTokenAsync allocate (the token handling before
/// the codec), and what the library's token codec allocates.
/// </summary>
internal static class AllocationBreakdown
{
    private const int N = 2000;

    public static int Run()
    {
        var keys = new Keys();
        var service = Setup.Service("HS256", keys, new InMemoryCodeStore(), new SteppingClock(TimeSpan.FromMilliseconds(10)), new CapturingSender());
        var phones = Setup.Phones(4 * N);
        var next = 0;
        for (var i = 0; i < N; i++)
        {
            SendVerify(service, phones[next++]); // warm-up
        }

        long exceptions = 0;
        AppDomain.CurrentDomain.FirstChanceException += (_, _) => Interlocked.Increment(ref exceptions);

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < N; i++)
        {
            SendVerify(service, phones[next++]);
        }

        Console.WriteLine($"send + verify: {clock.Elapsed.TotalMicroseconds / N:F1} µs each; {Sync.Asynchronous} of {2 * N} calls completed asynchronously; {exceptions} first-chance exceptions");

        var forged = Sync.Wait(service.SendAsync(new VerificationRequest(PhoneNumber: phones[next++]))).Value!.VerificationId;
        forged = forged[..^4] + (forged[^4] == 'A' ? "B" : "A") + forged[^3..];
        exceptions = 0;
        clock.Restart();
        for (var i = 0; i < N; i++)
        {
            Sync.Wait(service.VerifyAsync(new VerifyRequest(forged, "123456")));
        }

        Console.WriteLine($"forged id rejection: {clock.Elapsed.TotalMicroseconds / N:F1} µs each; {exceptions / (double)N:F1} first-chance exceptions each");

        var ids = new string[N];
        var codes = new string[N];
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < N; i++)
        {
            ids[i] = Sync.Wait(service.SendAsync(new VerificationRequest(PhoneNumber: phones[next++]))).Value!.VerificationId;
            codes[i] = CapturingSender.LastCode;
        }

        Console.WriteLine($"allocated per send (service):          {(GC.GetAllocatedBytesForCurrentThread() - before) / N,6} B");
        before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < N; i++)
        {
            Sync.Wait(service.VerifyAsync(new VerifyRequest(ids[i], codes[i])));
        }

        Console.WriteLine($"allocated per verify (service):        {(GC.GetAllocatedBytesForCurrentThread() - before) / N,6} B");

        var util = PhoneNumberUtil.GetInstance();
        before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < N; i++)
        {
            var number = util.Parse(phones[i], null);
            _ = util.IsValidNumber(number) && util.GetNumberType(number) == PhoneNumberType.MOBILE;
            _ = util.GetRegionCodeForNumber(number);
            _ = util.Format(number, PhoneNumberFormat.E164);
        }

        Console.WriteLine($"  of which libphonenumber parse+checks: {(GC.GetAllocatedBytesForCurrentThread() - before) / N,6} B");

        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        var credentials = new SigningCredentials(new SymmetricSecurityKey(keys.Secret) { KeyId = "hmac" }, SecurityAlgorithms.HmacSha256);
        string Create() => handler.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = "vid+jwt",
            Claims = new Dictionary<string, object> { ["e"] = "+8613812345678", ["kid"] = Guid.NewGuid().ToString("D"), ["pj"] = Setup.ProjectId, ["t"] = "0123456789abcdef0123456789abcdef" },
            Expires = DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = credentials,
        });
        var token = Create();
        before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < N; i++)
        {
            token = Create();
        }

        Console.WriteLine($"  JsonWebTokenHandler.CreateToken:      {(GC.GetAllocatedBytesForCurrentThread() - before) / N,6} B");
        var timer = Stopwatch.StartNew();
        for (var i = 0; i < N; i++)
        {
            token = Create();
        }

        var createMicroseconds = timer.Elapsed.TotalMicroseconds / N;
        var parameters = new TokenValidationParameters
        {
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidTypes = ["vid+jwt"],
            IssuerSigningKeys = [credentials.Key],
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
        };
        _ = handler.ValidateTokenAsync(token, parameters).GetAwaiter().GetResult();
        before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < N; i++)
        {
            if (!handler.ValidateTokenAsync(token, parameters).GetAwaiter().GetResult().IsValid)
            {
                throw new InvalidOperationException("The token did not validate.");
            }
        }

        Console.WriteLine($"  JsonWebTokenHandler.ValidateTokenAsync: {(GC.GetAllocatedBytesForCurrentThread() - before) / N,4} B");
        timer.Restart();
        for (var i = 0; i < N; i++)
        {
            _ = handler.ValidateTokenAsync(token, parameters).GetAwaiter().GetResult();
        }

        Console.WriteLine($"time alone, same process: JsonWebTokenHandler.CreateToken {createMicroseconds:F1} µs, ValidateTokenAsync {timer.Elapsed.TotalMicroseconds / N:F1} µs (HS256)");
        CodecAllocations(keys, ref exceptions);
        return 0;
    }

    /// <summary>The same work through the library's token codec, with the same key: bytes and exceptions per operation.</summary>
    private static void CodecAllocations(Keys keys, ref long exceptions)
    {
        var ring = SigningKeyRing.Load(Setup.Options("HS256", keys).Tokens, new List<string>())!;
        var codec = new TokenCodec(ring, Setup.ProjectId, TimeSpan.FromSeconds(10));
        var recordId = Guid.NewGuid();
        var nonce = CodeHasher.NewNonce();
        var expires = DateTimeOffset.UtcNow.AddMinutes(10);
        var token = codec.CreateVerificationId(recordId, nonce, "+8613812345678", null, expires);
        var forged = token[..^4] + (token[^4] == 'A' ? "B" : "A") + token[^3..];
        if (codec.Read(token, TokenKind.VerificationId, DateTimeOffset.UtcNow, out _) != TokenCheckStatus.Valid
            || codec.Read(forged, TokenKind.VerificationId, DateTimeOffset.UtcNow, out _) != TokenCheckStatus.Invalid)
        {
            throw new InvalidOperationException("The codec must accept its token and refuse the forged one.");
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < N; i++)
        {
            token = codec.CreateVerificationId(recordId, nonce, "+8613812345678", null, expires);
        }

        Console.WriteLine($"  TokenCodec.CreateVerificationId:      {(GC.GetAllocatedBytesForCurrentThread() - before) / N,6} B (the token string itself is about {(2 * token.Length) + 22} B)");
        var now = DateTimeOffset.UtcNow;
        before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < N; i++)
        {
            codec.Read(token, TokenKind.VerificationId, now, out _);
        }

        Console.WriteLine($"  TokenCodec.Read:                      {(GC.GetAllocatedBytesForCurrentThread() - before) / N,6} B (the contact and nonce strings of the claims)");
        exceptions = 0;
        before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < N; i++)
        {
            codec.Read(forged, TokenKind.VerificationId, now, out _);
        }

        Console.WriteLine($"  TokenCodec.Read of a forged id:       {(GC.GetAllocatedBytesForCurrentThread() - before) / N,6} B, {exceptions / (double)N:F1} first-chance exceptions each");
        var timer = Stopwatch.StartNew();
        for (var i = 0; i < N; i++)
        {
            token = codec.CreateVerificationId(recordId, nonce, "+8613812345678", null, expires);
        }

        var createMicroseconds = timer.Elapsed.TotalMicroseconds / N;
        timer.Restart();
        for (var i = 0; i < N; i++)
        {
            codec.Read(token, TokenKind.VerificationId, now, out _);
        }

        Console.WriteLine($"time alone, same process: TokenCodec.CreateVerificationId {createMicroseconds:F1} µs, Read {timer.Elapsed.TotalMicroseconds / N:F1} µs (HS256)");
    }

    private static void SendVerify(VerificationService service, string phone)
    {
        var sent = Sync.Wait(service.SendAsync(new VerificationRequest(PhoneNumber: phone)));
        var verified = Sync.Wait(service.VerifyAsync(new VerifyRequest(sent.Value!.VerificationId, CapturingSender.LastCode)));
        if (!verified.Succeeded)
        {
            throw new InvalidOperationException(verified.Error.ToString());
        }
    }
}
