-- wrk script of the page scenarios: each request carries the session cookie of the next
-- simulated trainee (one per line of the file given after "--"), every status other than
-- 200 counts as an error (a login redirect is a 302 that wrk alone would call a success),
-- and the figures are printed as one JSON line for bench/pages.py.
cookies = {}
turn = 0
bad = 0
threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  if args[1] then
    local file = assert(io.open(args[1], "r"))
    for line in file:lines() do
      if #line > 0 then table.insert(cookies, line) end
    end
    file:close()
  end
  turn = math.random(math.max(#cookies, 1))
end

function request()
  if #cookies == 0 then
    return wrk.format(nil, nil)
  end
  turn = turn % #cookies + 1
  return wrk.format(nil, nil, {["Cookie"] = cookies[turn]})
end

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local total_bad = 0
  for _, thread in ipairs(threads) do total_bad = total_bad + thread:get("bad") end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"seconds":%f,"bad_status":%d,"socket_errors":%d,' ..
    '"p50":%f,"p95":%f,"p99":%f,"max":%f}\n',
    summary.requests, summary.duration / 1e6, total_bad, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
