# A small app as many are written: it keeps a cache next to its code and serves HTTP.
import http.server, json, os, time

os.makedirs('/app/cache', exist_ok=True)
with open('/app/cache/state.json', 'w') as state:
    json.dump({'started': time.time(), 'pid': os.getpid()}, state)
print('state written to /app/cache/state.json; serving on 8000', flush=True)


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open('/app/cache/state.json', 'rb') as state:
            body = state.read()
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.end_headers()
        self.wfile.write(body)


http.server.ThreadingHTTPServer(('', 8000), Handler).serve_forever()
