-- wrk script for tools/bench: GET pages of the organizations listing at random (not the last
-- one, which has no next page) and keep each answer's `pageInfo.nextCursor`, one per line, in
-- OUT.<thread>. Not a measurement: it gathers the cursors random_cursor.lua follows.
--
--   wrk ... -s record_cursors.lua http://HOST:PORT/api/v1/organizations -- TOKEN PAGES PAGE_SIZE OUT

local pages, page_size, out
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  local token = args[1] or error("record_cursors.lua: missing TOKEN argument")
  pages = tonumber(args[2]) or error("record_cursors.lua: missing PAGES argument")
  if pages < 2 then error("record_cursors.lua: a listing of one page has no next page") end
  page_size = tonumber(args[3]) or error("record_cursors.lua: missing PAGE_SIZE argument")
  local path = args[4] or error("record_cursors.lua: missing OUT argument")
  wrk.headers["Authorization"] = "Bearer " .. token
  out = assert(io.open(path .. "." .. id, "w"))
  math.randomseed(os.time() * 100 + id)
end

function request()
  local path = wrk.path .. "?page=" .. math.random(1, pages - 1) .. "&pageSize=" .. page_size
  return wrk.format(nil, path)
end

function response(status, headers, body)
  local cursor = body:match('"nextCursor":"(%x+)"')
  if cursor then
    out:write(cursor, "\n")
    out:flush()
  end
end
