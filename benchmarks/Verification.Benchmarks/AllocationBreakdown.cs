using System.Diagnostics;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PhoneNumbers;

namespace Verification.Benchmarks;

/// <summary>
/// Evidence for docs/performance.md (<c>dotnet run -c Release -- allocations</c>), HS256 through the service:
/// whether the hot path hops asynchronously or throws, the exceptions a refused token costs inside
/// JsonWebTokenHandler, and bytes allocated per send and per verify next to what the libraries it calls allocate on
/// their own for the same work (libphonenumber's parse and checks; JsonWebTokenHandler's CreateToken and ValidateTokenAsync).
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

        Console.WriteLine($"forged id rejection: {clock.Elapsed.TotalMicroseconds / N:F1} µs each; {exceptions / (double)N:F1} first-chance exceptions each (thrown and caught inside JsonWebTokenHandler)");

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
        return 0;
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
