import { createOnEvent } from 'nango';

export default createOnEvent({
    description: 'Register a webhook',
    event: 'post-connection-creation',
    exec: async (nango) => {
        const register = async (): Promise<void> => {
            throw new Error('webhook registration failed');
        };
        // Bug: the promise is neither awaited nor caught.
        void register();
        await nango.log('registration started');
    }
});
