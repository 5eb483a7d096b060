using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Communique.Data;

// A writer that finds the database locked waits inside SQLite instead of getting SQLITE_BUSY at once, which
// Microsoft.Data.Sqlite answers by sleeping 150 ms per retry. SQLite's own waiting (`busy_timeout`) sleeps
// 1, 2, 5, 10, 15, 20, 25 ... 100 ms between attempts, while a write transaction here holds the lock for well under
// a millisecond, so queued writers would sleep long after the lock is free. This one tries again after 0.1, 0.2, 0.5,
// 1 and then every 2 ms, for up to 30 s.
internal static class SqliteBusyWait
{
    private const long GiveUpAfterMicroseconds = 30_000_000;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int BusyHandler(IntPtr argument, int attempts);

    // Kept for the life of the process: SQLite holds a pointer to it.
    private static readonly BusyHandler Handler = OnBusy;
    private static readonly IntPtr HandlerPointer = Marshal.GetFunctionPointerForDelegate(Handler);

    public static void Install(SqliteConnection connection)
    {
        var result = sqlite3_busy_handler(connection.Handle!.DangerousGetHandle(), HandlerPointer, IntPtr.Zero);
        if (result != 0)
        {
            throw new InvalidOperationException($"SQLite refused the busy handler (error {result}).");
        }
    }

    private static int OnBusy(IntPtr argument, int attempts)
    {
        if (WaitedBefore(attempts) >= GiveUpAfterMicroseconds)
        {
            return 0;
        }

        _ = usleep(Delay(attempts));
        return 1;
    }

    private static uint Delay(int attempts) => attempts switch
    {
        0 => 100,
        1 => 200,
        2 => 500,
        3 => 1_000,
        _ => 2_000,
    };

    // The microseconds slept before the given attempt: the sum of the delays before it.
    private static long WaitedBefore(int attempts) => attempts switch
    {
        0 => 0,
        1 => 100,
        2 => 300,
        3 => 800,
        _ => 1_800 + (attempts - 4) * 2_000L,
    };

    [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl)]
    private static extern int sqlite3_busy_handler(IntPtr database, IntPtr handler, IntPtr argument);

    [DllImport("libc", CallingConvention = CallingConvention.Cdecl)]
    private static extern int usleep(uint microseconds);
}
