-- wrk script for tools/bench: POST /api/v1/organizations with a name never used before.
--
--   wrk ... -s create.lua URL -- TOKEN RUN_TAG
--
-- Names are "bench-<run tag>-<thread index>-<counter>": the run tag keeps repeated runs
-- against the same server apart, the thread index (handed out by setup() in wrk's main
-- Lua state) keeps wrk's threads apart, and the counter keeps one thread's requests apart.
-- A duplicate name would be a 409, which is fast and would inflate the figure, so every
-- response outside 2xx is counted here and reported by done() for tools/bench to check.

local threads = {}
local next_index = 0

function setup(thread)
  thread:set("index", next_index)
  next_index = next_index + 1
  table.insert(threads, thread)
end

function init(args)
  token = args[1] or error("create.lua: missing TOKEN argument")
  run_tag = args[2] or "0"
  counter = 0
  non2xx = 0
  first_failure = ""
  headers = {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }
end

function request()
  counter = counter + 1
  local body = '{"name":"bench-' .. run_tag .. '-' .. index .. '-' .. counter .. '"}'
  return wrk.format("POST", "/api/v1/organizations", headers, body)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if first_failure == "" then
      first_failure = status .. " " .. string.sub(string.gsub(body or "", "%s+", " "), 1, 200)
    end
  end
end

function done(summary, latency, requests)
  local total, failure = 0, ""
  for _, thread in ipairs(threads) do
    total = total + thread:get("non2xx")
    if failure == "" then failure = thread:get("first_failure") end
  end
  io.write(string.format("bench_non2xx %d\n", total))
  if failure ~= "" then io.write("bench_first_failure " .. failure .. "\n") end
end
