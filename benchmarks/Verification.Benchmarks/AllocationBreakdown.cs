using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PhoneNumbers;
namespace Verification.Benchmarks;

/// <summary>
/// Evidence for the allocation budgets (<c>dotnet run -c Release -- allocations</c>): bytes allocated per send and
/// per verify through the service (HS256), next to what the libraries it calls allocate on their own for the same
/// work — libphonenumber's parse and checks, and JsonWebTokenHandler's CreateToken and ValidateTokenAsync.
/// </summary>
internal static class AllocationBreakdown
{
    static long A() => GC.GetAllocatedBytesForCurrentThread();
    public static int Run()
    {
        var keys = new Keys();
        var svc = Setup.Service("HS256", keys, new InMemoryCodeStore(), new SteppingClock(TimeSpan.FromMilliseconds(10)), new CapturingSender());
        var phones = Setup.Phones(100000);
        for (int i = 0; i < 2000; i++) { var s = Sync.Wait(svc.SendAsync(new VerificationRequest(PhoneNumber: phones[i]))); Sync.Wait(svc.VerifyAsync(new VerifyRequest(s.Value!.VerificationId, CapturingSender.LastCode))); }
        long a = A(); int n = 1000;
        var ids = new string[n]; var codes = new string[n];
        for (int i = 0; i < n; i++) { var s = Sync.Wait(svc.SendAsync(new VerificationRequest(PhoneNumber: phones[5000 + i]))); ids[i] = s.Value!.VerificationId; codes[i] = CapturingSender.LastCode; }
        Console.WriteLine($"service send              {(A() - a) / n}");
        a = A();
        for (int i = 0; i < n; i++) { Sync.Wait(svc.VerifyAsync(new VerifyRequest(ids[i], codes[i]))); }
        Console.WriteLine($"service verify            {(A() - a) / n}");
        var util = PhoneNumberUtil.GetInstance();
        for (int i = 0; i < 100; i++) util.Format(util.Parse(phones[i], null), PhoneNumberFormat.E164);
        a = A();
        for (int i = 0; i < n; i++) { var p = util.Parse(phones[i], null); util.IsValidNumber(p); util.GetNumberType(p); util.GetRegionCodeForNumber(p); util.Format(p, PhoneNumberFormat.E164); }
        Console.WriteLine($"phone parse+valid+type+region+format {(A() - a) / n}");
        var h = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        var cred = new SigningCredentials(new SymmetricSecurityKey(keys.Secret) { KeyId = "k" }, SecurityAlgorithms.HmacSha256);
        string tok = "";
        for (int i = 0; i < 100; i++) tok = h.CreateToken(new SecurityTokenDescriptor { TokenType = "vid+jwt", Claims = new Dictionary<string, object> { ["e"] = "+8613812345678", ["kid"] = Guid.NewGuid().ToString("D"), ["pj"] = "bench", ["t"] = "0123456789abcdef0123456789abcdef" }, Expires = DateTime.UtcNow.AddMinutes(10), SigningCredentials = cred });
        a = A();
        for (int i = 0; i < n; i++) tok = h.CreateToken(new SecurityTokenDescriptor { TokenType = "vid+jwt", Claims = new Dictionary<string, object> { ["e"] = "+8613812345678", ["kid"] = Guid.NewGuid().ToString("D"), ["pj"] = "bench", ["t"] = "0123456789abcdef0123456789abcdef" }, Expires = DateTime.UtcNow.AddMinutes(10), SigningCredentials = cred });
        Console.WriteLine($"jwt create {(A() - a) / n}");
        var p2 = new TokenValidationParameters { ValidAlgorithms = [SecurityAlgorithms.HmacSha256], ValidTypes = ["vid+jwt"], IssuerSigningKeys = [cred.Key], ValidateIssuer = false, ValidateAudience = false, ValidateLifetime = false, RequireExpirationTime = false };
        for (int i = 0; i < 100; i++) h.ValidateTokenAsync(tok, p2).GetAwaiter().GetResult();
        a = A();
        for (int i = 0; i < n; i++) { var r = h.ValidateTokenAsync(tok, p2).GetAwaiter().GetResult(); if (!r.IsValid) throw r.Exception; }
        Console.WriteLine($"jwt validate {(A() - a) / n}");
        return 0;
    }
}
