using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;

namespace Verification.Benchmarks;

/// <summary>
/// The timing side of enumeration resistance (the behaviour side is a test: existing and unknown contacts make the
/// same calls and get the same answer shape): <c>SendAsync</c> to contacts a user directory knows next to contacts it
/// does not. The two means should differ by noise only.
/// </summary>
public class EnumerationBenchmarks
{
    private VerificationService _service = null!;
    private string[] _phones = null!;
    private int _next;

    /// <summary>Whether the contacts sent to have an account.</summary>
    [Params(true, false)]
    public bool Existing { get; set; }

    [GlobalSetup]
    public void GlobalSetup()
    {
        var keys = new Keys();
        var all = Setup.Phones(2_000_000);
        _phones = [.. all.Where((_, i) => i % 2 == (Existing ? 0 : 1))];
        var known = all.Where((_, i) => i % 2 == 0).Select(p => "+" + new string([.. p.Where(char.IsAsciiDigit)])).ToHashSet(StringComparer.Ordinal);
        var sender = new CapturingSender();
        _service = new VerificationService(
            Options.Create(Setup.Options("HS256", keys)),
            new InMemoryCodeStore(),
            [sender],
            [sender],
            new SetDirectory(known),
            timeProvider: new SteppingClock(TimeSpan.FromMilliseconds(10)));
    }

    [Benchmark]
    public string Send()
    {
        var result = Sync.Wait(_service.SendAsync(new VerificationRequest(PhoneNumber: _phones[_next++ % _phones.Length])));
        return result.Succeeded ? result.Value.VerificationId : throw new InvalidOperationException(result.Error.ToString());
    }

    /// <summary>A directory answering from a set, as fast for a known contact as for an unknown one.</summary>
    private sealed class SetDirectory(HashSet<string> known) : IUserDirectory
    {
        public ValueTask<bool> ExistsAsync(VerificationChannel channel, string contact, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(known.Contains(contact));
    }
}
