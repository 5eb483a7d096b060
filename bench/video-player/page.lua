-- GET a recipient's player page, a different recipient each request (the paths bench/video-player/run.sh wrote),
-- counting statuses and pages that do not carry a plan.
local paths = {}
for line in io.lines(os.getenv("BENCH_PAGES")) do paths[#paths + 1] = line end
local stride = tonumber(os.getenv("BENCH_THREADS"))
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  n = 0
  statuses = {}
  unexpected = 0
end

function request()
  n = n + 1
  return wrk.format("GET", paths[((n * stride + id) % #paths) + 1])
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 200 and not string.find(body, '"layers":[{', 1, true) then unexpected = unexpected + 1 end
end

function done(summary, latency, requests)
  local totals, odd = {}, 0
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do totals[status] = (totals[status] or 0) + count end
    odd = odd + thread:get("unexpected")
  end
  for status, count in pairs(totals) do io.write(string.format("status %d %d\n", status, count)) end
  io.write(string.format("unexpected %d\n", odd))
  io.write(string.format("p50 %.3f\np99 %.3f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
